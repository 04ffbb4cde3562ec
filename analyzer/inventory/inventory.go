// Package inventory lists every file of an extracted image with its type
// (decided by content), and reads what matters for hardening from ELF, PE/TE
// and kernel images; file-system risks and hardening gaps become findings.
package inventory

import (
	"context"
	"io"
	"path"
	"runtime"
	"sort"
	"strings"
	"sync"

	"github.com/fwstar/fwstar/analyzer/internal/lazyre"
	"github.com/fwstar/fwstar/analyzer/inventory/elfinfo"
	"github.com/fwstar/fwstar/analyzer/inventory/kernel"
	"github.com/fwstar/fwstar/analyzer/inventory/peinfo"
	"github.com/fwstar/fwstar/analyzer/model"
	"github.com/fwstar/fwstar/extractors/engine"
)

// Record is one entry of one layer.
type Record struct {
	Path   string        `json:"path"`  // layer path
	Entry  string        `json:"entry"` // the manifest entry type: file, dir, symlink, blob...
	Size   int64         `json:"size"`
	Mode   string        `json:"mode,omitempty"`
	UID    int64         `json:"uid"`
	GID    int64         `json:"gid"`
	SHA256 string        `json:"sha256,omitempty"`
	Target string        `json:"target,omitempty"`
	Type   string        `json:"type"` // by content; the entry type for non-regular entries
	Tags   []string      `json:"tags,omitempty"`
	ELF    *elfinfo.Info `json:"elf,omitempty"`
	PE     *peinfo.Info  `json:"pe,omitempty"`
	Kernel *kernel.Info  `json:"kernel,omitempty"`
	Error  string        `json:"error,omitempty"`

	file *model.File
}

// Result is the inventory of a tree.
type Result struct {
	Files   []*Record `json:"files"`
	Summary Summary   `json:"summary"`
}

// Summary counts the inventory.
type Summary struct {
	Entries       int               `json:"entries"`
	Regular       int               `json:"regular"`
	ByType        map[string]int    `json:"by_type"`
	ByArch        map[string]int    `json:"by_elf_arch,omitempty"`
	PESubsystems  map[string]int    `json:"pe_subsystems,omitempty"`
	Kernels       []KernelSummary   `json:"kernels,omitempty"`
	Vermagics     map[string]int    `json:"module_vermagics,omitempty"`
	LeastHardened []HardeningScore  `json:"least_hardened,omitempty"`
	HardeningGaps map[string]int    `json:"hardening_gaps,omitempty"` // binaries lacking each protection
	FortifySource map[string]string `json:"fortify_source,omitempty"` // chunk layer -> libc the _chk list came from
	KernelChecks  string            `json:"kernel_checks_source,omitempty"`
}

// KernelSummary names a kernel found in the tree.
type KernelSummary struct {
	Path    string `json:"path"`
	Version string `json:"version"`
	Config  bool   `json:"config"`
	Failed  int    `json:"failed_checks,omitempty"`
}

// HardeningScore ranks a binary by the protections it lacks.
type HardeningScore struct {
	Path    string   `json:"path"`
	Missing []string `json:"missing"`
}

const (
	maxLeastHardened = 25
	kernelScanMin    = 512 << 10 // static ELF executables at least this big are scanned as a possible vmlinux
)

// Run inventories every entry of the tree, reading regular files on a
// bounded pool of workers (one per CPU).
func Run(ctx context.Context, t *model.Tree) (*Result, []model.Finding, error) {
	files := t.Files()
	res := &Result{Files: make([]*Record, len(files))}
	chk, chkFrom := libcChk(t)

	jobs := make(chan int)
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				res.Files[i] = inspect(ctx, t, files[i], chk[files[i].Chunk])
			}
		}()
	}
	var err error
feed:
	for i := range files {
		select {
		case jobs <- i:
		case <-ctx.Done():
			err = ctx.Err()
			break feed
		}
	}
	close(jobs)
	wg.Wait()
	if err != nil {
		return nil, nil, err
	}
	res.Summary = summarise(res.Files, chkFrom)
	return res, findings(t, res), nil
}

func inspect(ctx context.Context, t *model.Tree, f *model.File, chk *elfinfo.ChkSet) *Record {
	e := f.Entry
	r := &Record{Path: f.Path, Entry: e.Type, Size: e.Size, Mode: e.Mode, UID: e.UID, GID: e.GID,
		SHA256: e.SHA256, Target: e.Target, Type: e.Type, file: f}
	if strings.Contains("/"+f.Name(), "/cgi-bin/") || strings.HasSuffix(f.Name(), ".cgi") {
		r.Tags = append(r.Tags, "cgi")
	}
	if !f.Regular() {
		return r
	}
	fh, err := t.Open(f)
	if err != nil {
		r.Type, r.Error = TypeData, err.Error()
		return r
	}
	defer fh.Close()
	size := e.Size
	if st, err := fh.Stat(); err == nil {
		size = st.Size()
	}
	head := make([]byte, min(size, headSize))
	n, err := io.ReadFull(fh, head)
	head = head[:n]
	if err != nil && err != io.ErrUnexpectedEOF {
		r.Type, r.Error = TypeData, err.Error()
		return r
	}
	typ, tags := classify(head, size)
	r.Type, r.Tags = typ, append(r.Tags, tags...)
	scanKernel := e.Type == engine.TypeBlob || typ == TypeKernel || typ == TypeData
	switch typ {
	case TypeELF:
		info, err := elfinfo.Parse(fh, size, elfinfo.Options{Chk: chk})
		if err != nil {
			r.Error = err.Error()
			break
		}
		r.ELF = info
		switch {
		case info.Module != nil:
			r.Type = TypeKernelModule
		case info.Type == "exec" && info.Interp == "" && size >= kernelScanMin:
			scanKernel = true // a vmlinux
		}
	case TypePE:
		info, err := peinfo.Parse(fh, size)
		if err != nil {
			r.Error = err.Error()
		}
		r.PE = info
	case TypeTE:
		info, err := peinfo.ParseTE(fh, size)
		if err != nil {
			r.Error = err.Error()
		}
		r.PE = info
	}
	if scanKernel {
		k, err := kernel.Scan(ctx, fh, size)
		if err != nil {
			r.Error = err.Error()
		}
		if k != nil {
			r.Kernel, r.Type = k, TypeKernel
		}
	}
	return r
}

// libcNames are the C libraries whose exported *_chk functions bound what
// "fortifiable" means for the binaries beside them.
var libcNames = lazyre.New(`^(?:libc\.so(?:\.[0-9]+)?|libc-[0-9.]+\.so|libc\.musl-[\w]+\.so\.1|ld-musl-[\w]+\.so\.1|libuClibc-[0-9.]+\.so)$`)

// libcChk finds each chunk's libc and reads its fortified functions, as
// checksec reads the host's; chunks without one get glibc 2.36's list.
func libcChk(t *model.Tree) (map[*engine.Chunk]*elfinfo.ChkSet, map[string]string) {
	out := map[*engine.Chunk]*elfinfo.ChkSet{}
	from := map[string]string{}
	for _, f := range t.Regular() {
		if _, done := out[f.Chunk]; done || !libcNames().MatchString(path.Base(f.Name())) {
			continue
		}
		fh, err := t.Open(f)
		if err != nil {
			continue
		}
		st, err := fh.Stat()
		if err == nil {
			if set, err := elfinfo.LibcChk(fh, st.Size()); err == nil && set.Len() > 0 {
				out[f.Chunk] = set
				from[f.Chunk.Layer] = f.Path
			}
		}
		fh.Close()
	}
	return out, from
}

func summarise(recs []*Record, chkFrom map[string]string) Summary {
	s := Summary{Entries: len(recs), ByType: map[string]int{}, ByArch: map[string]int{}, PESubsystems: map[string]int{},
		Vermagics: map[string]int{}, HardeningGaps: map[string]int{}, FortifySource: chkFrom, KernelChecks: kernel.ChecksSource}
	var scores []HardeningScore
	for _, r := range recs {
		s.ByType[r.Type]++
		if r.file != nil && r.file.Regular() {
			s.Regular++
		}
		if r.ELF != nil {
			s.ByArch[r.ELF.Arch]++
			if r.ELF.Module != nil && r.ELF.Module.Vermagic != "" {
				s.Vermagics[r.ELF.Module.Vermagic]++
			}
			if m := missing(r); len(m) > 0 {
				for _, g := range m {
					s.HardeningGaps[g]++
				}
				scores = append(scores, HardeningScore{Path: r.Path, Missing: m})
			}
		}
		if r.PE != nil {
			s.PESubsystems[r.PE.Subsystem]++
		}
		if r.Kernel != nil {
			ks := KernelSummary{Path: r.Path, Version: r.Kernel.Version, Config: r.Kernel.Config != nil}
			for _, c := range r.Kernel.Checks {
				if !c.OK {
					ks.Failed++
				}
			}
			s.Kernels = append(s.Kernels, ks)
		}
	}
	sort.SliceStable(scores, func(i, j int) bool { return len(scores[i].Missing) > len(scores[j].Missing) })
	s.LeastHardened = scores[:min(len(scores), maxLeastHardened)]
	return s
}

// Hardening gaps, named as in findings.
const (
	GapNX     = "nx"
	GapPIE    = "pie"
	GapRELRO  = "relro"
	GapCanary = "canary"
)

// missing lists the protections a user-space executable or library lacks.
// Kernel modules and kernels are not user-space code and are left out;
// shared libraries are not expected to be PIE (they are position-independent
// by construction), and a PIE gap is only counted for executables.
func missing(r *Record) []string {
	e := r.ELF
	if e == nil || r.Type != TypeELF || (e.Type != "exec" && e.Type != "dyn") {
		return nil
	}
	var m []string
	h := e.Hardening
	if !h.NX {
		m = append(m, GapNX)
	}
	if h.PIE == "no" {
		m = append(m, GapPIE)
	}
	if h.RELRO == "none" {
		m = append(m, GapRELRO)
	}
	if !h.Canary {
		m = append(m, GapCanary)
	}
	return m
}

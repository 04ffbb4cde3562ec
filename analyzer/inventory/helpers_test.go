package inventory

import (
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"

	"github.com/fwstar/fwstar/analyzer/model"
	"github.com/fwstar/fwstar/extractors/engine"
	"github.com/fwstar/fwstar/samples"
)

// dirTree builds a one-chunk tree from a folder a real tool extracted, with
// modes and owners as the folder holds them.
func dirTree(t testing.TB, dir, layer string) *model.Tree {
	t.Helper()
	c := &engine.Chunk{Layer: layer, Kind: engine.KindKnown, Format: "dir", Dir: "."}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || p == dir {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		st, err := os.Lstat(p)
		if err != nil {
			return err
		}
		m := st.Mode()
		v := uint32(m.Perm())
		if m&fs.ModeSetuid != 0 {
			v |= 0o4000
		}
		if m&fs.ModeSetgid != 0 {
			v |= 0o2000
		}
		if m&fs.ModeSticky != 0 {
			v |= 0o1000
		}
		e := &engine.Entry{Path: filepath.ToSlash(rel), Mode: strconv.FormatUint(uint64(v), 8)}
		if sys, ok := st.Sys().(*syscall.Stat_t); ok {
			e.UID, e.GID = int64(sys.Uid), int64(sys.Gid)
		}
		switch {
		case m.IsDir():
			e.Type = engine.TypeDir
		case m&fs.ModeSymlink != 0:
			e.Type = engine.TypeSymlink
			e.Target, _ = os.Readlink(p)
		case m.IsRegular():
			e.Type, e.Size = engine.TypeFile, st.Size()
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			s := sha256.Sum256(b)
			e.SHA256 = hex.EncodeToString(s[:])
		default:
			e.Type = engine.TypeChar
		}
		c.Entries = append(c.Entries, e)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return model.NewTree(&engine.Manifest{Chunks: []*engine.Chunk{c}}, dir)
}

// corpusTree extracts a corpus image with the engine. When the engine does
// not yet reach want ELF files (an extractor has not landed) and reference
// is given, the image is unpacked with that reference tool instead.
func corpusTree(t testing.TB, name string, wantELF int, reference func(img, dir string) error) *model.Tree {
	t.Helper()
	img := samples.Corpus(t, name)
	dir := t.TempDir()
	m, err := engine.Default().Extract(context.Background(), img, dir)
	if err == nil {
		tr := model.NewTree(m, dir)
		if countELF(tr) >= wantELF {
			return tr
		}
	}
	if reference == nil {
		t.Skipf("engine does not extract %s yet (%v)", name, err)
	}
	ref := t.TempDir()
	if err := reference(img, ref); err != nil {
		t.Skipf("reference extraction of %s: %v", name, err)
	}
	return dirTree(t, ref, name+"@0x0:gzip/cpio")
}

func countELF(t *model.Tree) int {
	n := 0
	for _, f := range t.Regular() {
		if b, err := t.ReadFile(f, 4); err == nil && string(b) == "\x7fELF" {
			n++
		}
	}
	return n
}

// gunzipCpio is the reference unpacking of a gzip'd newc initrd: cpio -idm.
func gunzipCpio(img, dir string) error {
	cpio, err := exec.LookPath("cpio")
	if err != nil {
		return err
	}
	f, err := os.Open(img)
	if err != nil {
		return err
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return err
	}
	cmd := exec.Command(cpio, "-idm", "--quiet", "--no-absolute-filenames")
	cmd.Dir, cmd.Stdin = dir, io.Reader(zr)
	return cmd.Run()
}

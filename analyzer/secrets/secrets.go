// Package secrets is the analyzer pass for credentials and secrets: account
// databases and password stores (with every hash guessed against the default
// credential list), hard-coded logins in scripts and binaries, private keys,
// certificates and cloud tokens.
package secrets

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"runtime"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/fwstar/fwstar/analyzer/model"
	"github.com/fwstar/fwstar/extractors/engine"
	"github.com/fwstar/fwstar/rules/credentials"
	rsecrets "github.com/fwstar/fwstar/rules/secrets"
)

// Options tune a run.
type Options struct {
	// Now is the scan time that certificate validity is judged against;
	// zero means time.Now(). Tests pass a fixed time.
	Now time.Time
	// Workers scanning files and guessing passwords; 0 means GOMAXPROCS.
	Workers int
	// MaxFile is the largest file read whole; bigger ones are skipped.
	MaxFile int64
}

const defaultMaxFile = 64 << 20

// Run scans the tree with default options.
func Run(ctx context.Context, t *model.Tree) ([]model.Finding, error) {
	return RunWith(ctx, t, Options{})
}

var loadRules = sync.OnceValues(func() (*ruleSet, error) {
	creds, err := credentials.Load()
	if err != nil {
		return nil, err
	}
	pats, err := rsecrets.Load()
	if err != nil {
		return nil, err
	}
	tk, err := rsecrets.TestKeys()
	if err != nil {
		return nil, err
	}
	return &ruleSet{creds: creds, candidates: creds.Candidates(), patterns: pats, testKeys: tk}, nil
})

type ruleSet struct {
	creds      *credentials.List
	candidates []credentials.Candidate
	patterns   []*rsecrets.Rule
	testKeys   map[string]rsecrets.TestKey
}

// scan is one run's state, shared by the workers.
type scan struct {
	ctx   context.Context
	tree  *model.Tree
	opt   Options
	rules *ruleSet

	mu       sync.Mutex
	findings []model.Finding
	guesses  []*guessJob
	keys     []*keyInfo  // private keys found, to pair with certificates
	certs    []*certInfo // certificates found
}

// containers maps each file that extracted chunks cover (nearly) whole, an
// archive or filesystem image whose files the tree lists anyway, to the
// unknown chunks left in it. Scanning such a file whole would report every
// secret twice, once in the container and once in the extracted file.
func containers(t *model.Tree) map[string][]*engine.Chunk {
	covered := map[string]int64{}
	gaps := map[string][]*engine.Chunk{}
	for _, c := range t.Manifest.Chunks {
		switch {
		case c.Kind == engine.KindKnown && len(c.Entries) > 0:
			covered[c.Parent] += c.Size
		case c.Kind == engine.KindUnknown:
			gaps[c.Parent] = append(gaps[c.Parent], c)
		}
	}
	out := map[string][]*engine.Chunk{}
	for _, f := range t.Regular() {
		if n := covered[f.Path]; n > 0 && n*10 >= f.Entry.Size*9 {
			out[f.Path] = gaps[f.Path]
		}
	}
	return out
}

// gaps scans the unknown chunks of a container for keys only: the rest of
// it was extracted and is scanned file by file.
func (s *scan) gaps(f *model.File, gaps []*engine.Chunk) {
	if len(gaps) == 0 {
		return
	}
	r, err := s.tree.Open(f)
	if err != nil {
		return
	}
	defer r.Close()
	for _, c := range gaps {
		if c.Size <= 0 || c.Size > s.opt.MaxFile {
			continue
		}
		b := make([]byte, c.Size)
		if _, err := r.ReadAt(b, c.Offset); err != nil {
			continue
		}
		s.keysAt(f, b, c.Offset)
	}
}

// RunWith scans the tree for credentials and secrets.
func RunWith(ctx context.Context, t *model.Tree, opt Options) ([]model.Finding, error) {
	rs, err := loadRules()
	if err != nil {
		return nil, err
	}
	if opt.Now.IsZero() {
		opt.Now = time.Now()
	}
	if opt.Workers <= 0 {
		opt.Workers = runtime.GOMAXPROCS(0)
	}
	if opt.MaxFile <= 0 {
		opt.MaxFile = defaultMaxFile
	}
	s := &scan{ctx: ctx, tree: t, opt: opt, rules: rs}

	unknown := containers(t)
	work := make(chan *model.File)
	var wg sync.WaitGroup
	for range opt.Workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for f := range work {
				if gaps, ok := unknown[f.Path]; ok {
					s.gaps(f, gaps)
				} else {
					s.file(f)
				}
			}
		}()
	}
	for _, f := range t.Regular() {
		if ctx.Err() != nil {
			break
		}
		work <- f
	}
	close(work)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.guessAll()
	s.certFindings()
	return s.result(), ctx.Err()
}

// file runs every scanner that applies to one file.
func (s *scan) file(f *model.File) {
	if f.Entry.Size > s.opt.MaxFile {
		return
	}
	b, err := s.tree.ReadFile(f, s.opt.MaxFile)
	if err != nil || len(b) == 0 {
		return
	}
	s.accountFile(f, b)
	s.storeFile(f, b)
	s.keysIn(f, b)
	s.patternsIn(f, b)
	s.hashLiterals(f, b)
}

func (s *scan) add(fs ...model.Finding) {
	s.mu.Lock()
	s.findings = append(s.findings, fs...)
	s.mu.Unlock()
}

// result merges findings with the same ID (the same problem seen at several
// places of one file) and sorts them.
func (s *scan) result() []model.Finding {
	byID := map[string]int{}
	var out []model.Finding
	for _, f := range s.findings {
		if i, ok := byID[f.ID]; ok {
			if len(out[i].Evidence) < maxEvidence {
				out[i].Evidence = append(out[i].Evidence, f.Evidence...)
			}
			continue
		}
		byID[f.ID] = len(out)
		out = append(out, f)
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Severity != b.Severity {
			return a.Severity > b.Severity
		}
		if a.RuleID != b.RuleID {
			return a.RuleID < b.RuleID
		}
		if a.Evidence[0].Path != b.Evidence[0].Path {
			return a.Evidence[0].Path < b.Evidence[0].Path
		}
		if a.Evidence[0].Offset != b.Evidence[0].Offset {
			return a.Evidence[0].Offset < b.Evidence[0].Offset
		}
		return a.ID < b.ID
	})
	return out
}

const maxEvidence = 10

// finding fills the common fields and the fingerprint; key tells apart
// problems of one rule in one file (an account, a hash of the secret).
func finding(rule, kind string, sev model.Severity, conf string, criteria []string, title, remed model.Text, key string, ev ...model.Evidence) model.Finding {
	f := model.Finding{RuleID: rule, Kind: kind, Severity: sev, Confidence: conf, Criteria: criteria,
		Title: title, Remediation: remed, Evidence: ev}
	f.Fingerprint(key)
	return f
}

// evidence points at bytes [off, off+n) of f; line is 1-based or 0.
func evidence(f *model.File, off, n int64, line int, excerpt string) model.Evidence {
	return model.Evidence{Path: f.Path, Offset: off, Length: n, Line: line, SHA256: f.Entry.SHA256, Excerpt: clip(excerpt)}
}

// clip keeps excerpts one short printable line.
func clip(s string) string {
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return ' '
		}
		return r
	}, s)
	s = strings.TrimSpace(s)
	if len(s) > 160 {
		s = s[:157] + "..."
	}
	return s
}

// mask hides a secret but keeps enough to recognise it: its first two
// characters (none for short ones) and its length.
func mask(secret string) string {
	if secret == "" {
		return ""
	}
	keep := 2
	if len(secret) < 8 {
		keep = 0
	}
	return secret[:keep] + strings.Repeat("*", min(len(secret)-keep, 8)) + fmt.Sprintf("(%d)", len(secret))
}

// redact replaces every occurrence of secret in s by its mask.
func redact(s, secret string) string {
	if secret == "" {
		return s
	}
	return strings.ReplaceAll(s, secret, mask(secret))
}

func keyOf(parts ...string) string {
	h := sha256.Sum256([]byte(strings.Join(parts, "\x00")))
	return hex.EncodeToString(h[:8])
}

// lineAt returns the line of b holding offset off: its start, text and
// 1-based number.
func lineAt(b []byte, off int) (start int, text string, n int) {
	start = bytes.LastIndexByte(b[:off], '\n') + 1
	end := bytes.IndexByte(b[off:], '\n')
	if end < 0 {
		end = len(b) - off
	}
	return start, string(b[start : off+end]), bytes.Count(b[:start], []byte{'\n'}) + 1
}

// isBinary tells a file whose content is not text: NUL bytes in its first
// 8 KiB.
func isBinary(b []byte) bool {
	head := b[:min(len(b), 8192)]
	for _, c := range head {
		if c == 0 {
			return true
		}
	}
	return false
}

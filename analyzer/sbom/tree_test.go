package sbom

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/fwstar/fwstar/analyzer/model"
	"github.com/fwstar/fwstar/extractors"
	"github.com/fwstar/fwstar/extractors/engine"
	"github.com/fwstar/fwstar/samples"
)

// dirTree builds a Tree from folders on disk, one chunk per folder, as if an
// extractor had written them: the layer name is the folder's base name plus
// ":dir". It lets tests run on trees that real tools unpacked.
func dirTree(tb testing.TB, dirs ...string) *model.Tree {
	tb.Helper()
	m := &engine.Manifest{}
	root := "/"
	for _, dir := range dirs {
		abs, err := filepath.Abs(dir)
		if err != nil {
			tb.Fatal(err)
		}
		c := &engine.Chunk{Layer: filepath.Base(abs) + "@0x0:dir", Kind: engine.KindKnown, Format: "dir", Dir: abs[1:]}
		err = filepath.WalkDir(abs, func(p string, d fs.DirEntry, err error) error {
			if err != nil || p == abs {
				return err
			}
			rel, _ := filepath.Rel(abs, p)
			e := &engine.Entry{Path: filepath.ToSlash(rel)}
			switch {
			case d.Type()&fs.ModeSymlink != 0:
				e.Type = engine.TypeSymlink
				e.Target, _ = os.Readlink(p)
			case d.IsDir():
				e.Type = engine.TypeDir
			case d.Type().IsRegular():
				e.Type = engine.TypeFile
				f, err := os.Open(p)
				if err != nil {
					return err
				}
				h := sha256.New()
				n, _ := io.Copy(h, f)
				f.Close()
				e.Size, e.SHA256 = n, hex.EncodeToString(h.Sum(nil))
			default:
				e.Type = engine.TypeFifo
			}
			c.Entries = append(c.Entries, e)
			return nil
		})
		if err != nil {
			tb.Fatal(err)
		}
		m.Chunks = append(m.Chunks, c)
	}
	return model.NewTree(m, root)
}

// corpusTree extracts a corpus image with the default engine. It skips when
// the image is absent, or when none of formats was found in the image and no
// handler of those names is registered yet (another helper is writing it);
// with the handler registered, a missing format fails the test.
func corpusTree(t *testing.T, name string, formats ...string) *model.Tree {
	t.Helper()
	img := samples.Corpus(t, name)
	dir := t.TempDir()
	m, err := engine.Default().Extract(context.Background(), img, dir)
	if err != nil {
		t.Fatalf("extract %s: %v", name, err)
	}
	for _, format := range formats {
		found := slices.ContainsFunc(m.Chunks, func(c *engine.Chunk) bool { return c.Format == format })
		if found {
			continue
		}
		registered := slices.ContainsFunc(engine.Handlers(), func(h extractors.Handler) bool { return h.Name() == format })
		if !registered {
			t.Skipf("%s: no %q handler is registered yet, so the tree lacks its files", name, format)
		}
		t.Fatalf("%s: the %q handler is registered but found nothing", name, format)
	}
	return model.NewTree(m, dir)
}

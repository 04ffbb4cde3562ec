package secrets

import (
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/fwstar/fwstar/analyzer/model"
	"github.com/fwstar/fwstar/extractors/engine"
)

// dirTree builds a one-chunk tree over a folder on disk, as an extraction of
// a filesystem at offset 0 of an image named after the folder would.
func dirTree(t testing.TB, dir string) *model.Tree {
	t.Helper()
	abs, err := filepath.Abs(dir)
	if err != nil {
		t.Fatal(err)
	}
	c := &engine.Chunk{Layer: filepath.Base(abs) + ".img@0x0:rootfs", Parent: filepath.Base(abs) + ".img",
		Kind: engine.KindKnown, Format: "rootfs", Dir: filepath.Base(abs)}
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
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			sum := sha256.Sum256(b)
			e.Size, e.SHA256 = int64(len(b)), hex.EncodeToString(sum[:])
		default:
			return nil
		}
		c.Entries = append(c.Entries, e)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return model.NewTree(&engine.Manifest{Input: c.Parent, Chunks: []*engine.Chunk{c}}, filepath.Dir(abs))
}

func mustHex(s string) []byte {
	b, err := hex.DecodeString(s)
	if err != nil {
		panic(err)
	}
	return b
}

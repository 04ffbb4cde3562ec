package secrets

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/fwstar/fwstar/analyzer/model"
	"github.com/fwstar/fwstar/extractors/engine"
)

func fuzzScan() *scan {
	rs, err := loadRules()
	if err != nil {
		panic(err)
	}
	return &scan{ctx: context.Background(), opt: Options{Workers: 1, MaxFile: 1 << 20}, rules: rs}
}

var fuzzFile = &model.File{Path: "fuzz.img@0x0:rootfs/etc/x", Entry: &engine.Entry{Path: "etc/x"}}

func seedDir(f *testing.F, dir string) {
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			if b, err := os.ReadFile(p); err == nil && len(b) < 64<<10 {
				f.Add(b)
			}
		}
		return nil
	})
}

func FuzzAccounts(f *testing.F) {
	seedDir(f, "testdata/rootfs/etc")
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, shadow := range []bool{false, true} {
			for _, a := range parseAccounts(b, shadow) {
				if a.Offset < 0 || a.Offset > int64(len(b)) || a.Line < 1 {
					t.Fatalf("account %+v out of input", a)
				}
				locked(a.Pass)
				loginShell(a.Shell)
			}
		}
	})
}

// FuzzKeys runs the PEM, DER, dropbear and PuTTY scanners over any bytes;
// every key they return must lie inside the input.
func FuzzKeys(f *testing.F) {
	seedDir(f, "testdata/rootfs/etc")
	seedDir(f, "testdata/rootfs/usr/bin")
	f.Fuzz(func(t *testing.T, b []byte) {
		s := fuzzScan()
		s.keysAt(fuzzFile, b, 0)
		s.putty(fuzzFile, b)
		for _, k := range s.keys {
			if k.off < 0 || k.off+k.n > int64(len(b)) {
				t.Fatalf("key at %d+%d outside %d bytes", k.off, k.n, len(b))
			}
		}
	})
}

// FuzzPatterns runs every rules/secrets rule and the hash-literal finder.
func FuzzPatterns(f *testing.F) {
	seedDir(f, "testdata/rootfs/etc")
	f.Fuzz(func(t *testing.T, b []byte) {
		s := fuzzScan()
		s.patternsIn(fuzzFile, b)
		s.hashLiterals(fuzzFile, append([]byte("\x7fELF\x00"), b...))
	})
}

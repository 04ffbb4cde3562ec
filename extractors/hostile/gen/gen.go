// Package gen builds the hostile-input corpus: cases derived from real tool
// output (the committed fixtures of every extractors package, the demo image,
// the shared corpus) by mutating named fields, truncating and flipping bits,
// and cases written by the real format writers (archive/tar, archive/zip, the
// compressors' Go encoders) with crafted names, links, nesting and bombs. The
// same seed always gives the same corpus.
package gen

import (
	"bytes"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Case is one hostile input. Build writes the image; cases are built one at a
// time so that the corpus never sits in memory whole.
type Case struct {
	Name   string // "squashfs/gzip.sqfs/trunc@0x1A2"
	Family string // the parser the case aims at: "squashfs", "tar", "gzip"...
	Kind   string // "trunc", "flip", "field", "traversal", "bomb"...
	Build  func(w io.Writer) error
	// Want lists formats that must still be reported as top-level chunks
	// (a real image with a bomb appended keeps its own chunks).
	Want []string
	// Escapes lists host paths the case tries to create or modify; none may
	// exist after the run.
	Escapes []string
	// Big marks cases that take seconds each (bombs, 200k entries).
	Big bool
}

// Canary is the absolute host folder that crafted symlinks point into.
const Canary = "/tmp/fwstar-hostile-canary"

// Seed is a real file the mutations start from.
type Seed struct {
	Name   string // path relative to the module root
	Family string
	Data   []byte
}

// Options sizes the corpus.
type Options struct {
	Seed      uint64 // PRNG seed
	PerSeed   int    // generic mutations per fixture seed
	PerCorpus int    // mutations per shared-corpus image
	BombBytes int64  // decompressed size of the encoder-made bombs
	TinyFiles int    // entries of the many-files tar
	Nest      int    // nesting depth of the nested archives
}

// Short is the default `go test` campaign; Long is the bigger one.
func Short() Options {
	return Options{Seed: 20240601, PerSeed: 8, PerCorpus: 2, BombBytes: 512 << 20, TinyFiles: 200_000, Nest: 50}
}

func Long() Options {
	return Options{Seed: 20240601, PerSeed: 40, PerCorpus: 12, BombBytes: 4 << 30, TinyFiles: 2_000_000, Nest: 50}
}

// skipExt are fixture files that are not images: expected trees, sources of
// fixtures, notes.
var skipExt = map[string]bool{".tree": true, ".md": true, ".sh": true, ".sha256": true, ".its": true, ".dts": true, ".size": true, ".go": true, ".txt": true}

// Seeds reads every committed fixture under root/extractors/*/testdata (fuzz
// corpora excepted) and the demo image. Bombs are left out: Bombs covers them.
func Seeds(root string) ([]Seed, error) {
	var out []Seed
	dirs, err := filepath.Glob(filepath.Join(root, "extractors", "*", "testdata"))
	if err != nil {
		return nil, err
	}
	sort.Strings(dirs)
	for _, d := range dirs {
		pkg := filepath.Base(filepath.Dir(d))
		if pkg == "hostile" {
			continue
		}
		ents, err := os.ReadDir(d)
		if err != nil {
			return nil, err
		}
		for _, e := range ents {
			n := e.Name()
			if !e.Type().IsRegular() || skipExt[filepath.Ext(n)] || strings.HasPrefix(n, "bomb") || n == "src.bin" {
				continue
			}
			b, err := os.ReadFile(filepath.Join(d, n))
			if err != nil {
				return nil, err
			}
			out = append(out, Seed{Name: filepath.ToSlash(filepath.Join("extractors", pkg, "testdata", n)), Family: family(pkg, n), Data: b})
		}
	}
	demo := filepath.Join(root, "samples", "demo-router.bin")
	if b, err := os.ReadFile(demo); err == nil {
		out = append(out, Seed{Name: "samples/demo-router.bin", Family: "uimage", Data: b})
	}
	return out, nil
}

// family names the parser a fixture belongs to, from its package and name.
func family(pkg, name string) string {
	ext := strings.TrimPrefix(filepath.Ext(name), ".")
	switch pkg {
	case "archive":
		return ext // cpio, tar, zip
	case "compress":
		switch ext {
		case "gz":
			return "gzip"
		case "bz2":
			return "bzip2"
		case "zst":
			return "zstd"
		case "lzo":
			return "lzop"
		}
		return ext // xz, lz4, lzma
	case "fwheader":
		return ext // uimage, trx, chk, seama, wrgg, ubnt
	case "ubi":
		return ext // ubi, ubifs
	case "fdt":
		if ext == "fit" {
			return "fit"
		}
		return "fdt"
	case "uefi":
		return "uefi"
	}
	return pkg
}

// Generator makes cases from seeds.
type Generator struct {
	Opt   Options
	Seeds []Seed
	Root  string // module root, for the committed hostile seeds
}

// rng gives each named stream its own deterministic PRNG, so adding a case
// kind does not reshuffle the others.
func (g *Generator) rng(name string) *rand.Rand {
	var h uint64 = 14695981039346656037
	for i := 0; i < len(name); i++ {
		h = (h ^ uint64(name[i])) * 1099511628211
	}
	return rand.New(rand.NewPCG(g.Opt.Seed, h))
}

// Cases returns the whole corpus: mutations of every seed, then the crafted
// cases. corpus lists shared-corpus images (may be empty).
func (g *Generator) Cases(corpus []Seed) ([]Case, error) {
	var out []Case
	for _, s := range g.Seeds {
		out = append(out, g.Mutations(s, g.Opt.PerSeed)...)
	}
	for _, s := range corpus {
		out = append(out, Case{Name: "corpus/" + s.Name, Family: s.Family, Kind: "real", Build: bytesOf(s.Data), Big: true})
		for _, c := range g.Mutations(s, g.Opt.PerCorpus) {
			c.Big = true
			out = append(out, c)
		}
	}
	crafted, err := g.Crafted()
	if err != nil {
		return nil, err
	}
	return append(out, crafted...), nil
}

func bytesOf(b []byte) func(io.Writer) error {
	return func(w io.Writer) error {
		_, err := w.Write(b)
		return err
	}
}

func (g *Generator) hostileSeed(name string) ([]byte, error) {
	b, err := os.ReadFile(filepath.Join(g.Root, "extractors", "hostile", "testdata", name))
	if err != nil {
		return nil, fmt.Errorf("hostile seed: %w", err)
	}
	return b, nil
}

// magicHits finds where a seed's formats start: every offset at which one of
// the engine's magics appears (first few per magic), so header mutations hit
// real headers, not only offset 0.
func magicHits(data []byte, magics [][]byte, offsets []int64) []int64 {
	seen := map[int64]bool{0: true}
	hits := []int64{0}
	for i, m := range magics {
		from := 0
		for n := 0; n < 4; n++ {
			j := bytes.Index(data[from:], m)
			if j < 0 {
				break
			}
			at := int64(from+j) - offsets[i]
			from += j + 1
			if at >= 0 && !seen[at] {
				seen[at] = true
				hits = append(hits, at)
			}
		}
	}
	sort.Slice(hits, func(a, b int) bool { return hits[a] < hits[b] })
	return hits
}

func readFixture(root, name string) ([]byte, error) {
	return os.ReadFile(filepath.Join(root, filepath.FromSlash(name)))
}

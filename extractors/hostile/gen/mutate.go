package gen

import (
	"bytes"
	"fmt"
	"sync"

	"github.com/fwstar/fwstar/extractors/engine"
)

func init() {
	// Big-endian JFFS2 images carry the same fields the other way round.
	f := formats["jffs2"]
	bef := make([]field, len(f.fields))
	for i, x := range f.fields {
		x.enc = be
		bef[i] = x
	}
	formats["jffs2-be"] = format{magic: []byte{0x19, 0x85}, fields: bef, fix: f.fix}
}

var magicsOnce = sync.OnceValues(func() ([][]byte, []int64) {
	var ms [][]byte
	var offs []int64
	for _, h := range engine.Handlers() {
		for _, m := range h.Magics() {
			ms = append(ms, m.Bytes)
			offs = append(offs, m.Offset)
		}
	}
	return ms, offs
})

// Mutations derives n cases from a real file: a quarter truncations, a
// quarter bit flips in headers, the rest named header fields set to hostile
// values (or, for formats without a field table, header words).
func (g *Generator) Mutations(s Seed, n int) []Case {
	r := g.rng(s.Name)
	ms, offs := magicsOnce()
	hits := magicHits(s.Data, ms, offs)
	size := len(s.Data)
	var out []Case
	add := func(kind, what string, data []byte) {
		out = append(out, Case{Name: fmt.Sprintf("%s/%s", s.Name, what), Family: s.Family, Kind: kind, Build: bytesOf(data)})
	}
	if size < 2 {
		return nil
	}
	nTrunc, nFlip := max(1, n/4), max(1, n/4)
	for range nTrunc {
		// Half cut inside a header, half anywhere.
		at := r.IntN(size-1) + 1
		if r.IntN(2) == 0 {
			h := hits[r.IntN(len(hits))]
			at = int(min(int64(size-1), h+int64(r.IntN(512)+1)))
		}
		add("trunc", fmt.Sprintf("trunc@0x%X", at), bytes.Clone(s.Data[:at]))
	}
	for range nFlip {
		h := int(hits[r.IntN(len(hits))])
		b := bytes.Clone(s.Data)
		k := r.IntN(8) + 1
		var at int
		for range k {
			at = min(size-1, h+r.IntN(256))
			b[at] ^= 1 << uint(r.IntN(8))
		}
		add("flip", fmt.Sprintf("flip%dx@0x%X", k, h), b)
	}
	var fieldHits []struct {
		f  format
		at int
	}
	for _, name := range formatsOf(s.Family) {
		f := formats[name]
		from := 0
		for range 64 {
			j := bytes.Index(s.Data[from:], f.magic)
			if j < 0 {
				break
			}
			at := from + j - f.magicOff
			from += j + 1
			if at >= 0 {
				fieldHits = append(fieldHits, struct {
					f  format
					at int
				}{f, at})
			}
		}
	}
	for range n - nTrunc - nFlip {
		b := bytes.Clone(s.Data)
		if len(fieldHits) > 0 {
			fh := fieldHits[r.IntN(len(fieldHits))]
			fl := fh.f.fields[r.IntN(len(fh.f.fields))]
			at := fh.at + fl.off
			if at+fl.width > size {
				continue
			}
			vs := hostileValues(fl.width, int64(fl.off), int64(fh.at), int64(size))
			v := vs[r.IntN(len(vs))]
			put(b, at, fl, v)
			if fh.f.fix != nil {
				fh.f.fix(b, fh.at)
			}
			add("field", fmt.Sprintf("%s@0x%X=0x%X", fl.name, fh.at, v), b)
			continue
		}
		// No field table: a 32-bit header word, either byte order.
		h := int(hits[r.IntN(len(hits))])
		at := min(size-4, h+4*r.IntN(32))
		if at < 0 {
			continue
		}
		fl := field{name: "word", width: 4, enc: enc(r.IntN(2))}
		vs := hostileValues(4, int64(at-h), int64(h), int64(size))
		v := vs[r.IntN(len(vs))]
		put(b, at, fl, v)
		add("word", fmt.Sprintf("word@0x%X=0x%X", at, v), b)
	}
	return out
}

package vulns

import (
	"context"
	"testing"
)

// BenchmarkMatchOpenWrt matches the SBOM of the real OpenWrt image (about
// 90 components) against the built-in baseline.
func BenchmarkMatchOpenWrt(b *testing.B) {
	comps := corpusComponents(b, "openwrt-15.05.1-tl-wr703n-factory.bin")
	for b.Loop() {
		if _, _, err := Match(context.Background(), comps, Source{Now: now}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkMatchKirkwoodStore matches the Debian installer's SBOM with a
// local store holding the real records too (SQLite lookups per component).
func BenchmarkMatchKirkwoodStore(b *testing.B) {
	comps := corpusComponents(b, "debian12-kirkwood-initrd.gz")
	st, err := OpenStore(b.TempDir() + "/v.db")
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	if _, err := Import(context.Background(), st, "../../rules/vulns/nvd"); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, _, err := Match(context.Background(), comps, Source{Store: st, Now: now}); err != nil {
			b.Fatal(err)
		}
	}
}

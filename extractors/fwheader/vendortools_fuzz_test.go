package fwheader

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/fwstar/fwstar/extractors"
	"github.com/fwstar/fwstar/extractors/sinktest"
)

// fuzzHandler seeds f with the fixtures and checks, whatever the input: a
// chunk lies inside it and starts at 0, hints follow the header, Extract
// ends where Identify said (or fails) under a small budget and a deadline.
func fuzzHandler(f *testing.F, h extractors.Handler, seeds ...string) {
	for _, s := range seeds {
		f.Add(sinktest.Fixture(f, s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		r := bytes.NewReader(b)
		c, err := h.Identify(r, 0, int64(len(b)))
		if err != nil {
			return
		}
		if c.Start != 0 || c.End <= 0 || c.End > int64(len(b)) {
			t.Fatalf("bad chunk [%d,%d) of %d", c.Start, c.End, len(b))
		}
		for _, hn := range c.Hints {
			if hn.Offset < c.End {
				t.Fatalf("hint at 0x%X inside the chunk [0,0x%X)", hn.Offset, c.End)
			}
		}
		s := sinktest.NewSink(false)
		s.MaxBytes = 1 << 20
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		if end, err := h.Extract(ctx, r, c, s); err == nil && end != c.End {
			t.Fatalf("end %d, chunk end %d", end, c.End)
		}
	})
}

func FuzzTPLinkV2(f *testing.F) {
	fuzzHandler(f, TPLinkV2{}, "tplinkv2.bin", "tplinkv2-combined.bin", "evil-md5.tplinkv2")
}

func FuzzSafeloader(f *testing.F) {
	fuzzHandler(f, Safeloader{}, "safeloader.bin", "evil-ptn.safeloader")
}

func FuzzBuffaloTag(f *testing.F) {
	fuzzHandler(f, BuffaloTag{}, "buffalo.tag", "buffalo2.tag", "buffalo3.tag")
}

func FuzzBuffaloEnc(f *testing.F) {
	fuzzHandler(f, BuffaloEnc{}, "buffalo.enc", "buffalo-long.enc", "evil-data.enc")
}

func FuzzDNS313(f *testing.F) { fuzzHandler(f, DNS313{}, "dns313.bin", "evil-size.dns313") }

func FuzzDNI(f *testing.F) { fuzzHandler(f, DNI{}, "netgear.dni") }

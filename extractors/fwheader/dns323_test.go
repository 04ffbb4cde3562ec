package fwheader_test

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/fwstar/fwstar/extractors"
	"github.com/fwstar/fwstar/extractors/engine"
	"github.com/fwstar/fwstar/extractors/enginetest"
	"github.com/fwstar/fwstar/extractors/fwheader"
	"github.com/fwstar/fwstar/extractors/sinktest"
)

// dnsSplit is testdata/dns323/split.txt, what splitdns323fw (the writer's own
// reader) reported for each fixture: "ids" (signature, product, custom, model,
// compat id) and, per part, its size and the sha256 of the file it wrote.
type dnsSplit struct {
	ids   []string
	parts map[string]dnsRef
	fail  string // the part before the one whose checksum it rejected
}

type dnsRef struct {
	size   int64
	sha256 string
}

func readDNSSplit(t *testing.T) (map[string]*dnsSplit, string) {
	t.Helper()
	f, err := os.Open("testdata/dns323/split.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[string]*dnsSplit{}
	var kernelPayload string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		w := strings.Fields(sc.Text())
		if w[0] == "kernel.payload" {
			kernelPayload = w[1]
			continue
		}
		s := out[w[0]]
		if s == nil {
			s = &dnsSplit{parts: map[string]dnsRef{}}
			out[w[0]] = s
		}
		switch w[1] {
		case "ids":
			s.ids = w[2:]
		case "validate_failed_after":
			s.fail = w[2]
		default:
			n, _ := strconv.ParseInt(w[2], 10, 64)
			s.parts[w[1]] = dnsRef{n, w[3]}
		}
	}
	return out, kernelPayload
}

func dnsFixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata/dns323", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func dnsIdentify(b []byte) (extractors.Chunk, error) {
	return fwheader.DNS323{}.Identify(bytes.NewReader(b), 0, int64(len(b)))
}

func dnsExtract(b []byte, c extractors.Chunk) (int64, error) {
	return fwheader.DNS323{}.Extract(context.Background(), bytes.NewReader(b), c, sinktest.NewSink(false))
}

// Every part the handler points at is byte for byte the file splitdns323fw
// writes, and the ids are those it prints.
func TestDNS323MatchesSplit(t *testing.T) {
	split, _ := readDNSSplit(t)
	tests := []struct {
		file, device string
		hdr          int64
		parts        []string
	}{
		{"dns323.bin", "DNS-323", 64, []string{"kernel", "initrd", "defaults"}},
		{"dns321.bin", "DNS-321", 64, []string{"kernel", "initrd"}},
		{"dns320.bin", "DNS-320", 128, []string{"kernel", "initrd", "defaults"}},
		{"dns320l.bin", "DNS-320L", 128, []string{"kernel", "initrd", "squashfs", "defaults"}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			b := dnsFixture(t, tt.file)
			ref := split[tt.file]
			if ref == nil || len(ref.ids) != 5 || len(ref.parts) != len(tt.parts) {
				t.Fatalf("split.txt: %+v", ref)
			}
			c, err := dnsIdentify(b)
			if err != nil {
				t.Fatal(err)
			}
			if c.Start != 0 || c.End != tt.hdr {
				t.Errorf("chunk [%d,%d), want [0,%d)", c.Start, c.End, tt.hdr)
			}
			want := map[string]string{"dns323.signature": ref.ids[0], "dns323.product_id": ref.ids[1],
				"dns323.custom_id": ref.ids[2], "dns323.model_id": ref.ids[3], "dns323.compat_id": ref.ids[4],
				"dns323.device": tt.device, "dns323.header_size": strconv.FormatInt(tt.hdr, 10),
				"dns323.image_size": strconv.Itoa(len(b)), "dns323.problem": "", "dns323.truncated": ""}
			for k, v := range want {
				if c.Attrs[k] != v {
					t.Errorf("%s = %q, want %q", k, c.Attrs[k], v)
				}
			}
			if len(c.Hints) != len(tt.parts) {
				t.Fatalf("hints %+v, want %v", c.Hints, tt.parts)
			}
			next := tt.hdr // the writer lays the parts back to back
			for i, h := range c.Hints {
				p := tt.parts[i]
				size, _ := strconv.ParseInt(c.Attrs["dns323."+p+"_size"], 10, 64)
				if h.Name != p || h.Offset != next || size != ref.parts[p].size {
					t.Fatalf("hint %+v size %d, want %s at %d size %d", h, size, p, next, ref.parts[p].size)
				}
				if sum := sha256.Sum256(b[h.Offset : h.Offset+size]); hex.EncodeToString(sum[:]) != ref.parts[p].sha256 {
					t.Errorf("%s bytes differ from splitdns323fw's", p)
				}
				if c.Attrs["dns323."+p+"_sum_check"] != "ok" {
					t.Errorf("%s checksum: %s", p, c.Attrs["dns323."+p+"_sum_check"])
				}
				next += size
			}
			if end, err := dnsExtract(b, c); end != c.End || err != nil {
				t.Errorf("Extract: end %d err %v", end, err)
			}
		})
	}
}

func TestDNS323Hostile(t *testing.T) {
	split, _ := readDNSSplit(t)
	var fe *extractors.FormatError

	// initrd_sum inverted: the tool's reader dies right after the kernel; we
	// record the mismatch, still point at every part and fail the chunk.
	if split["evil-sum.bin"].fail != "Kernel" {
		t.Errorf("split.txt: splitdns323fw on evil-sum.bin %+v", split["evil-sum.bin"])
	}
	b := dnsFixture(t, "evil-sum.bin")
	c, err := dnsIdentify(b)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(c.Attrs["dns323.initrd_sum_check"], "mismatch: stored ") || c.Attrs["dns323.kernel_sum_check"] != "ok" ||
		c.Attrs["dns323.defaults_sum_check"] != "ok" || len(c.Hints) != 3 || !strings.Contains(c.Info, "initrd checksum mismatch") {
		t.Errorf("evil-sum: %+v", c)
	}
	if end, err := dnsExtract(b, c); end != c.End || !errors.As(err, &fe) || !strings.Contains(err.Error(), "initrd checksum mismatch") {
		t.Errorf("evil-sum Extract: end %d err %v", end, err)
	}

	// defaults_size = 0x7FFFFFFF: never read past the end; the part's start is
	// still a hint and the chunk fails as truncated.
	b = dnsFixture(t, "evil-size.bin")
	if c, err = dnsIdentify(b); err != nil {
		t.Fatal(err)
	}
	if c.Attrs["dns323.defaults_sum_check"] != "unchecked: truncated" || c.Attrs["dns323.initrd_sum_check"] != "ok" ||
		c.Attrs["dns323.truncated"] != "2223 of 2147485641 bytes present" || len(c.Hints) != 3 || c.Hints[2].Name != "defaults" {
		t.Errorf("evil-size: %+v", c)
	}
	if end, err := dnsExtract(b, c); end != c.End || !errors.As(err, &fe) {
		t.Errorf("evil-size Extract: end %d err %v", end, err)
	}
}

// Every cut of an image is refused (inside the header) or identified with the
// truncation recorded, no hint past the cut, and a FormatError from Extract.
func TestDNS323Truncated(t *testing.T) {
	for _, tc := range []struct {
		f   string
		hdr int
	}{{"dns323.bin", 64}, {"dns320l.bin", 128}} {
		f, img := tc.f, dnsFixture(t, tc.f)
		for cut := range len(img) {
			b := img[:cut]
			c, err := dnsIdentify(b)
			if err != nil {
				if !errors.Is(err, extractors.ErrNotFormat) || cut >= tc.hdr {
					t.Fatalf("%s cut %d: %v", f, cut, err)
				}
				continue
			}
			for _, h := range c.Hints {
				if h.Offset >= int64(cut) {
					t.Fatalf("%s cut %d: hint %+v past the end", f, cut, h)
				}
			}
			var fe *extractors.FormatError
			end, err := dnsExtract(b, c)
			if c.Attrs["dns323.truncated"] == "" || end != c.End || !errors.As(err, &fe) {
				t.Fatalf("%s cut %d: end %d err %v attrs %v", f, cut, end, err, c.Attrs)
			}
		}
	}
}

// The XOR sum catches a single-bit flip anywhere in a part's whole words (a last
// partial word is outside it, as in the tool). Flips in the header give a
// refusal or a chunk, never a panic or a read past the end.
func TestDNS323BitFlips(t *testing.T) {
	for _, f := range []string{"dns323.bin", "dns320l.bin"} {
		img := dnsFixture(t, f)
		c0, err := dnsIdentify(img)
		if err != nil {
			t.Fatal(err)
		}
		b := bytes.Clone(img)
		for i := range len(img) { // one bit a byte, in turn: a XOR sees any
			b[i] ^= 1 << (i % 8)
			c, err := dnsIdentify(b)
			if int64(i) < c0.End {
				if err == nil {
					dnsExtract(b, c)
				}
				b[i] = img[i]
				continue
			}
			b[i] = img[i]
			part, covered := "", false
			for _, h := range c0.Hints {
				size, _ := strconv.ParseInt(c0.Attrs["dns323."+h.Name+"_size"], 10, 64)
				if off := int64(i); off >= h.Offset && off < h.Offset+size {
					part, covered = h.Name, off < h.Offset+size&^3
				}
			}
			if err != nil {
				t.Fatalf("%s flip %d: %v", f, i, err)
			}
			mismatch := strings.HasPrefix(c.Attrs["dns323."+part+"_sum_check"], "mismatch")
			if mismatch != covered {
				t.Fatalf("%s flip %d in %s: %q", f, i, part, c.Attrs["dns323."+part+"_sum_check"])
			}
		}
	}
}

// No other fwheader handler claims these images, and this one claims none of
// the package's other fixtures.
func TestDNS323OnlyOwner(t *testing.T) {
	mine, _ := filepath.Glob("testdata/dns323/*.bin")
	others, _ := filepath.Glob("testdata/*.*")
	for _, p := range append(mine, others...) {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		isMine := filepath.Dir(p) == "testdata/dns323"
		for _, h := range engine.Handlers() {
			if reflect.TypeOf(h).PkgPath() != reflect.TypeOf(fwheader.DNS323{}).PkgPath() {
				continue
			}
			_, err := h.Identify(bytes.NewReader(b), 0, int64(len(b)))
			if claims := err == nil; claims != (isMine && h.Name() == "dns323") && (isMine || h.Name() == "dns323") {
				t.Errorf("%s on %s: %v", h.Name(), p, err)
			}
		}
	}
}

// The whole engine on the image with all four parts: the uImages, the gzip
// inside them, the initrd's cpio, the squashfs and the defaults tarball are
// carved in place, and each tree equals the reference tool's extraction.
func TestDNS323Engine(t *testing.T) {
	_, kernelPayload := readDNSSplit(t)
	byLayer := dnsEngine(t, "dns320l.bin")
	// Header 0x80, kernel uImage 0x80 (1020 B), initrd uImage 0x47C (846 B),
	// squashfs 0x7CA (4096 B), defaults 0x17CA (229 B): splitdns323fw's parts.
	// The uImages' gzip payloads are carved in place too, 64 bytes on.
	const kernel, initrd, squash, defaults = "dns320l.bin@0xC0:gzip", "dns320l.bin@0x4BC:gzip",
		"dns320l.bin@0x7CA:squashfs", "dns320l.bin@0x17CA:gzip"
	for _, l := range []string{"dns320l.bin@0x0:dns323", "dns320l.bin@0x80:uimage", "dns320l.bin@0x47C:uimage",
		kernel, initrd, squash, defaults} {
		if byLayer[l] == nil {
			t.Errorf("no chunk %s", l)
		}
	}
	if c := byLayer["dns320l.bin@0x0:dns323"]; c == nil || c.Size != 128 || c.Attrs["dns323.device"] != "DNS-320L" {
		t.Errorf("header chunk %+v", c)
	}
	if c := byLayer[kernel]; c == nil || len(c.Entries) != 1 || c.Entries[0].SHA256 != kernelPayload {
		t.Errorf("kernel payload: %+v", c)
	}
	for _, tc := range []struct{ layer, tree string }{
		{initrd + "/gzip.out@0x0:cpio", "initrd.tree"},
		{squash, "rootfs.tree"},
		{defaults + "/gzip.out@0x0:tar", "defaults.tree"},
	} {
		c := byLayer[tc.layer]
		if c == nil {
			t.Errorf("no chunk %s", tc.layer)
			continue
		}
		want, err := sinktest.ReadTree(filepath.Join("testdata/dns323", tc.tree))
		if err != nil {
			t.Fatal(err)
		}
		if d := (sinktest.Compare{}).Diff(enginetest.Tree(c), want); len(d) > 0 {
			t.Errorf("%s differs from %s:\n%s", tc.layer, tc.tree, strings.Join(d, "\n"))
		}
	}
}

// dnsEngine runs engine.Default() on a fixture and returns its chunks by layer
// path. No chunk may fail and no byte of the image may be left unclaimed.
func dnsEngine(t *testing.T, name string) map[string]*engine.Chunk {
	t.Helper()
	byLayer := enginetest.Run(t, name, dnsFixture(t, name))
	for _, c := range byLayer {
		// The kernel's payload is a text (standing in for a zImage): unknown.
		if c.Kind == engine.KindUnknown && c.Parent == name {
			t.Errorf("unclaimed: %s %d bytes at 0x%X", c.Layer, c.Size, c.Offset)
		}
	}
	return byLayer
}

// In the 64-byte layout the defaults tar.gz directly follows the initrd's
// gzip, which gzip (like gunzip) would read as one multi-member stream: the
// part sizes the header gives (Hint.Size) keep them two chunks, each at its
// own offset, with whole trees.
func TestDNS323EngineAdjacentGzip(t *testing.T) {
	byLayer := dnsEngine(t, "dns323.bin")
	hdr := byLayer["dns323.bin@0x0:dns323"]
	if hdr == nil || hdr.Size != 64 || hdr.Attrs["dns323.device"] != "DNS-323" {
		t.Fatalf("header chunk %+v", hdr)
	}
	for part, tree := range map[string]string{"initrd": "initrd.tree", "defaults": "defaults.tree"} {
		want, err := sinktest.ReadTree(filepath.Join("testdata/dns323", tree))
		if err != nil {
			t.Fatal(err)
		}
		ofs := strings.TrimPrefix(hdr.Attrs["dns323."+part+"_ofs"], "0x")
		inner := "tar"
		if part == "initrd" {
			// The initrd part is a uImage around the gzip'd cpio.
			ofs, inner = "", "cpio"
			for l := range byLayer {
				if strings.HasSuffix(l, ":gzip/gzip.out@0x0:cpio") {
					ofs = l
				}
			}
		}
		l := ofs
		if part == "defaults" {
			l = "dns323.bin@0x" + ofs + ":gzip/gzip.out@0x0:" + inner
		}
		c := byLayer[l]
		if c == nil {
			t.Fatalf("%s: no chunk %q", part, l)
		}
		if d := (sinktest.Compare{}).Diff(enginetest.Tree(c), want); len(d) > 0 {
			t.Errorf("%s: %s differs:\n%s", part, l, strings.Join(d, "\n"))
		}
	}
}

// FuzzDNS323 runs Identify and Extract on mutations of the fixtures: a chunk
// is the header only, its hints lie after it inside the input, and Extract
// ends where Identify said.
func FuzzDNS323(f *testing.F) {
	files, _ := filepath.Glob("testdata/dns323/*.bin")
	for _, p := range files {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		r := bytes.NewReader(b)
		c, err := fwheader.DNS323{}.Identify(r, 0, int64(len(b)))
		if err != nil {
			return
		}
		if c.Start != 0 || (c.End != 64 && c.End != 128) || c.End > int64(len(b)) {
			t.Fatalf("bad chunk [%d,%d) of %d", c.Start, c.End, len(b))
		}
		for _, h := range c.Hints {
			if h.Offset < c.End || h.Offset >= int64(len(b)) {
				t.Fatalf("hint %+v outside (0x%X, %d)", h, c.End, len(b))
			}
		}
		s := sinktest.NewSink(false)
		s.MaxBytes = 1 << 16
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		if end, _ := (fwheader.DNS323{}).Extract(ctx, r, c, s); end != c.End {
			t.Fatalf("Extract end %d, chunk end %d", end, c.End)
		}
	})
}

// BenchmarkDNS323Identify is the heavy path: the header and the XOR sum of
// every part.
func BenchmarkDNS323Identify(b *testing.B) {
	img := dnsFixture(b, "dns320l.bin")
	r := bytes.NewReader(img)
	b.SetBytes(int64(len(img)))
	for b.Loop() {
		if _, err := (fwheader.DNS323{}).Identify(r, 0, int64(len(img))); err != nil {
			b.Fatal(err)
		}
	}
}

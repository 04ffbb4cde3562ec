package ubi

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// BenchmarkUBI builds a bigger image at bench time (mkfs.ubifs over the
// Python email package, ubinize) and extracts the volume, then the UBIFS in it.
func BenchmarkUBI(b *testing.B) {
	dir := b.TempDir()
	fs, img := filepath.Join(dir, "rootfs.ubifs"), filepath.Join(dir, "big.ubi")
	cfg := filepath.Join(dir, "ubinize.cfg")
	os.WriteFile(cfg, []byte("[rootfs]\nmode=ubi\nvol_id=0\nvol_type=dynamic\nvol_name=rootfs\nimage="+fs+"\n"), 0o644)
	for _, c := range [][]string{
		{"mkfs.ubifs", "-r", "/usr/lib/python3.11/email", "-m", "2048", "-e", "126976", "-c", "2000", "-x", "lzo", "-o", fs},
		{"ubinize", "-o", img, "-p", "128KiB", "-m", "2048", cfg},
	} {
		if out, err := exec.Command(c[0], c[1:]...).CombinedOutput(); err != nil {
			b.Skipf("%v: %v %s", c, err, out)
		}
	}
	raw, err := os.ReadFile(img)
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("image %d bytes", len(raw))
	b.SetBytes(int64(len(raw)))
	for b.Loop() {
		s, _, _, err := extract(b, UBI{}, raw)
		if err != nil {
			b.Fatal(err)
		}
		if _, _, _, err := extract(b, UBIFS{}, s.Content["rootfs"]); err != nil {
			b.Fatal(err)
		}
	}
}

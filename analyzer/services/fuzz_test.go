package services

import (
	"os"
	"path/filepath"
	"testing"
)

// seed adds every fixture file under testdata as a seed.
func seed(f *testing.F, glob string) {
	files, _ := filepath.Glob(glob)
	for _, p := range files {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(string(b))
		}
	}
}

func FuzzInittab(f *testing.F) {
	seed(f, "testdata/*/etc/inittab")
	f.Fuzz(func(t *testing.T, src string) {
		for _, e := range parseInittab(src) {
			parseShell(e.Process)
		}
	})
}

func FuzzUCI(f *testing.F) {
	seed(f, "testdata/openwrt/etc/config/*")
	f.Fuzz(func(t *testing.T, src string) {
		for _, s := range parseUCI(src) {
			s.all("listen_http")
		}
	})
}

func FuzzShell(f *testing.F) {
	seed(f, "testdata/*/etc/init.d/*")
	seed(f, "testdata/debian/etc/cron.d/*")
	f.Fuzz(func(t *testing.T, src string) {
		for _, c := range parseShell(src) {
			if c.Line < 1 {
				t.Fatalf("line %d", c.Line)
			}
			program(c.Argv)
			fetchInsecure(c.Argv)
		}
	})
}

func FuzzSSHD(f *testing.F) {
	seed(f, "testdata/debian/etc/ssh/sshd_config")
	f.Fuzz(func(t *testing.T, src string) {
		parseSSHD(src, func(string) []string { return []string{"inc", src} })
	})
}

func FuzzUnitXinetd(f *testing.F) {
	seed(f, "testdata/debian/lib/systemd/system/*")
	seed(f, "testdata/debian/etc/xinetd.d/*")
	f.Fuzz(func(t *testing.T, src string) {
		for _, e := range parseUnit(src) {
			execArgv(e.Value)
		}
		parseXinetd(src)
		parseInetd(src)
		parseCrontab(src, true)
		weakTLS(src)
	})
}

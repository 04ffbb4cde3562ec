package kernel

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"io"
	"strings"
)

// readConfig decodes the gzip stream that follows IKCFG_ST (kernel/configs.c
// wraps .config as "IKCFG_ST" + gzip + "IKCFG_ED") and parses it.
func readConfig(r io.Reader) (map[string]string, error) {
	zr, err := gzip.NewReader(r)
	if err != nil {
		return nil, err
	}
	zr.Multistream(false)
	cfg := map[string]string{}
	sc := bufio.NewScanner(io.LimitReader(zr, maxConfig))
	sc.Buffer(make([]byte, 0, 64<<10), 64<<10)
	for sc.Scan() {
		parseConfigLine(sc.Bytes(), cfg)
	}
	return cfg, sc.Err()
}

// ParseConfig parses a .config text.
func ParseConfig(b []byte) map[string]string {
	cfg := map[string]string{}
	for _, l := range bytes.Split(b, []byte{'\n'}) {
		parseConfigLine(l, cfg)
	}
	return cfg
}

func parseConfigLine(l []byte, cfg map[string]string) {
	s := strings.TrimSpace(string(l))
	if name, ok := strings.CutPrefix(s, "# "); ok {
		if n, ok := strings.CutSuffix(name, " is not set"); ok && strings.HasPrefix(n, "CONFIG_") {
			cfg[n] = "n"
		}
		return
	}
	if k, v, ok := strings.Cut(s, "="); ok && strings.HasPrefix(k, "CONFIG_") {
		cfg[k] = strings.Trim(v, `"`)
	}
}

// configArch names the architecture a config was built for.
func configArch(cfg map[string]string) string {
	for _, a := range []struct{ opt, name string }{
		{"CONFIG_X86_64", "X86_64"}, {"CONFIG_X86_32", "X86_32"}, {"CONFIG_ARM64", "ARM64"},
		{"CONFIG_ARM", "ARM"}, {"CONFIG_MIPS", "MIPS"}, {"CONFIG_PPC", "PPC"}, {"CONFIG_RISCV", "RISCV"},
		{"CONFIG_XTENSA", "XTENSA"}, {"CONFIG_ARC", "ARC"}, {"CONFIG_SUPERH", "SH"},
	} {
		if cfg[a.opt] == "y" {
			return a.name
		}
	}
	return ""
}

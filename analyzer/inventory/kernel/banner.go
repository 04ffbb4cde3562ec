// Package kernel finds Linux kernels in files and blobs: the version banner,
// the embedded configuration (CONFIG_IKCONFIG) and a hardening check of it.
package kernel

import (
	"bytes"
	"context"
	"io"
	"strings"

	"github.com/fwstar/fwstar/analyzer/internal/lazyre"
)

// Info is one kernel found in a file.
type Info struct {
	Version      string `json:"version"`
	Banner       string `json:"banner"`
	BannerOffset int64  `json:"banner_offset"`
	Builder      string `json:"builder,omitempty"`  // "user@host"
	Compiler     string `json:"compiler,omitempty"` // "gcc version 4.8.3 (...)"
	Build        string `json:"build,omitempty"`    // "#1 Sat Jul 8 ..."
	// ConfigOffset is where the IKCFG_ST marker is, -1 without one.
	ConfigOffset  int64             `json:"config_offset"`
	ConfigOptions int               `json:"config_options,omitempty"`
	Config        map[string]string `json:"-"` // "CONFIG_X" -> "y", "m", "n" (is not set), or the value
	Arch          string            `json:"arch,omitempty"`
	Checks        []CheckResult     `json:"checks,omitempty"`
	ConfigError   string            `json:"config_error,omitempty"`
}

var (
	bannerMagic = []byte("Linux version ")
	ikcfgStart  = []byte("IKCFG_ST")
	// The banner as init/version.c prints it: a version, then the builder
	// in parentheses; format strings ("Linux version %s") do not match.
	bannerRe = lazyre.New(`^Linux version ([0-9]+\.[0-9]+[^\s]*) \(`)
)

const (
	scanBlock = 1 << 20
	maxBanner = 512
	maxConfig = 4 << 20 // decompressed IKCONFIG bytes read
)

// Scan reads r once, looking for the kernel banner and the IKCONFIG marker.
// It returns nil when there is no banner.
func Scan(ctx context.Context, r io.ReaderAt, size int64) (*Info, error) {
	buf := make([]byte, scanBlock+maxBanner)
	var info *Info
	cfgOff := int64(-1)
	for off := int64(0); off < size; off += scanBlock {
		if err := ctx.Err(); err != nil {
			return info, err
		}
		n, err := r.ReadAt(buf[:min(int64(len(buf)), size-off)], off)
		if err != nil && err != io.EOF {
			return info, err
		}
		b := buf[:n]
		limit := min(n, scanBlock) // a match starting past this is found by the next block
		if info == nil {
			for i := 0; i < limit; {
				j := bytes.Index(b[i:], bannerMagic)
				if j < 0 || i+j >= limit {
					break
				}
				if in := parseBanner(b[i+j:]); in != nil {
					in.BannerOffset = off + int64(i+j)
					info = in
					break
				}
				i += j + 1
			}
		}
		if cfgOff < 0 {
			if j := bytes.Index(b, ikcfgStart); j >= 0 && j < limit {
				cfgOff = off + int64(j)
			}
		}
		if info != nil && cfgOff >= 0 {
			break
		}
	}
	if info == nil {
		return nil, nil
	}
	info.ConfigOffset = cfgOff
	if cfgOff >= 0 {
		start := cfgOff + int64(len(ikcfgStart))
		cfg, err := readConfig(io.NewSectionReader(r, start, size-start))
		if err != nil {
			info.ConfigError = err.Error()
		}
		if len(cfg) > 0 {
			info.Config = cfg
			info.ConfigOptions = len(cfg)
			info.Arch = configArch(cfg)
			info.Checks = Check(cfg, info.Arch)
		}
	}
	return info, nil
}

func parseBanner(b []byte) *Info {
	b = b[:min(len(b), maxBanner)]
	if i := bytes.IndexAny(b, "\x00\n"); i >= 0 {
		b = b[:i]
	}
	m := bannerRe().FindSubmatch(b)
	if m == nil {
		return nil
	}
	s := string(b)
	in := &Info{Version: string(m[1]), Banner: strings.TrimSpace(s)}
	// The rest is "(builder) (compiler) build"; the compiler group nests parentheses.
	rest := s[len(m[0])-1:]
	var groups []string
	for len(groups) < 2 && strings.HasPrefix(rest, "(") {
		depth, end := 0, -1
		for i, c := range rest {
			if c == '(' {
				depth++
			} else if c == ')' {
				depth--
				if depth == 0 {
					end = i
					break
				}
			}
		}
		if end < 0 {
			break
		}
		groups = append(groups, rest[1:end])
		rest = strings.TrimLeft(rest[end+1:], " ")
	}
	if len(groups) > 0 {
		in.Builder = groups[0]
	}
	if len(groups) > 1 {
		in.Compiler = strings.TrimSpace(groups[1])
	}
	in.Build = strings.TrimSpace(rest)
	return in
}

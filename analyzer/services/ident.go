package services

import (
	"strings"

	"github.com/fwstar/fwstar/analyzer/model"
)

// identFields maps KEY=value variables of release files to what they name.
var identFields = map[string]string{
	"DISTRIB_ID": "distribution", "DISTRIB_RELEASE": "version", "DISTRIB_REVISION": "revision",
	"DISTRIB_CODENAME": "codename", "DISTRIB_TARGET": "board", "DISTRIB_DESCRIPTION": "distribution",
	"DEVICE_MANUFACTURER": "vendor", "DEVICE_PRODUCT": "model", "DEVICE_REVISION": "hardware-revision",
	"NAME": "distribution", "VERSION": "version", "VERSION_ID": "version", "PRETTY_NAME": "distribution",
	"BUILD_ID": "revision", "VARIANT": "model", "IMAGE_ID": "model", "IMAGE_VERSION": "version",
	"OPENWRT_BOARD": "board", "OPENWRT_DEVICE_MANUFACTURER": "vendor", "OPENWRT_DEVICE_PRODUCT": "model",
	"OPENWRT_DEVICE_REVISION": "hardware-revision", "OPENWRT_RELEASE": "version",
	"MODEL": "model", "PRODUCT": "model", "BOARD": "board", "FW_VERSION": "version", "FIRMWARE_VERSION": "version",
	"HW_VERSION": "hardware-revision", "VENDOR": "vendor", "MANUFACTURER": "vendor",
}

// identFiles hold KEY=value lines.
var identFiles = []string{"etc/openwrt_release", "etc/device_info", "etc/os-release", "usr/lib/os-release",
	"etc/lsb-release", "etc/version.conf", "etc/build.prop", "etc/sysinfo.conf", "etc/product.conf"}

// plainFiles hold a single value.
var plainFiles = map[string]string{"etc/openwrt_version": "version", "etc/debian_version": "version",
	"etc/default-release": "codename", "etc/hostname": "hostname", "etc/version": "version",
	"etc/fw_version": "version", "etc/firmware_version": "version", "etc/sw_version": "version",
	"etc/model": "model", "etc/product": "model", "etc/board": "board", "etc/hw_version": "hardware-revision",
	"etc/buildroot_version": "version", "etc/issue": "banner"}

func (s *system) scanIdentity() {
	seen := map[*model.File]bool{}
	for _, p := range identFiles {
		f := s.file(p)
		if f == nil || seen[f] {
			continue
		}
		seen[f] = true
		src, ok := s.text(f)
		if !ok {
			continue
		}
		for n, l := range strings.Split(src, "\n") {
			k, v, ok := strings.Cut(strings.TrimSpace(l), "=")
			if !ok || strings.HasPrefix(k, "#") {
				continue
			}
			v = strings.Trim(strings.TrimSpace(v), `"'`)
			field := identFields[k]
			if field == "" || v == "" {
				continue
			}
			s.res.Identity = append(s.res.Identity, &Ident{Field: field, Value: v, Key: k, Evidence: ev(f, n+1, l)})
		}
	}
	for p, field := range plainFiles {
		f := s.idx[p]
		src, ok := s.text(f)
		if !ok {
			continue
		}
		v := strings.TrimSpace(lineText(src, 1))
		if field == "banner" {
			v = strings.TrimSpace(strings.NewReplacer(`\n`, "", `\l`, "", `\r`, "", `\m`, "").Replace(v))
		}
		if v == "" || len(v) > 200 {
			continue
		}
		s.res.Identity = append(s.res.Identity, &Ident{Field: field, Value: v, Key: "/" + p, Evidence: ev(f, 1, v)})
	}
	// OpenWrt's banner names the release: " CHAOS CALMER (Chaos Calmer, r49630)".
	if f, src, ok := s.textAt("/etc/banner"); ok {
		for n, l := range strings.Split(src, "\n") {
			t := strings.TrimSpace(l)
			if strings.Contains(t, "(") && strings.Contains(t, ", r") && strings.HasSuffix(t, ")") {
				s.res.Identity = append(s.res.Identity, &Ident{Field: "banner", Value: t, Key: "/etc/banner", Evidence: ev(f, n+1, t)})
			}
		}
	}
	// board.json (OpenWrt 17.01+): "model": { "id": ..., "name": ... }
	if f, src, ok := s.textAt("/etc/board.json"); ok {
		if i := strings.Index(src, `"name"`); i >= 0 {
			line, text := lineOf(src, i)
			s.res.Identity = append(s.res.Identity, &Ident{Field: "model", Value: strings.Trim(strings.TrimSpace(strings.SplitN(text, ":", 2)[len(strings.SplitN(text, ":", 2))-1]), `",`), Key: "board.json model.name", Evidence: ev(f, line, text)})
		}
	}
}

package services

import (
	"path"
	"regexp"
	"strconv"
	"strings"

	"github.com/fwstar/fwstar/analyzer/internal/lazyre"
	"github.com/fwstar/fwstar/analyzer/model"
)

func (s *system) fact(list *[]*Fact, topic, signal, summary string, props map[string]string, e ...model.Evidence) *Fact {
	f := &Fact{Topic: topic, Signal: signal, Summary: summary, Props: props, Evidence: e}
	*list = append(*list, f)
	return f
}

var feedLine = lazyre.New(`^\s*src(/gz)?\s+(\S+)\s+(\S+)`)

// scanUpdates records update mechanisms and what checks their integrity.
func (s *system) scanUpdates() {
	s.sysupgrade()
	s.opkg()
	s.apt()
	s.otaFrameworks()
	s.uploadHandlers()
}

// sysupgrade: OpenWrt's flasher. Image signatures are checked only where
// fwtool's metadata/signature check is installed (/lib/upgrade/fwtool.sh,
// OpenWrt 17.01 on); before that only the image header is checked
// (platform_check_image).
func (s *system) sysupgrade() {
	f := s.file("/sbin/sysupgrade")
	if f == nil {
		return
	}
	props := map[string]string{}
	if s.file("/lib/upgrade/fwtool.sh") != nil || s.file("/usr/bin/fwtool") != nil {
		props["fwtool"] = "present"
		s.fact(&s.res.Updates, "sysupgrade", Positive, "sysupgrade is present and fwtool checks image metadata and signatures (usign)", props, ev(f, 0, ""))
		return
	}
	e := []model.Evidence{ev(f, 0, "")}
	if p := s.file("/lib/upgrade/platform.sh"); p != nil {
		e = append(e, ev(p, 0, "platform_check_image"))
	}
	s.fact(&s.res.Updates, "sysupgrade", Negative, "sysupgrade is present; it checks the image's header for this board (platform_check_image) but no signature (no fwtool)", props, e...)
}

// opkg: "option check_signature" in /etc/opkg.conf makes opkg verify feed
// indexes with usign against /etc/opkg/keys (OpenWrt's opkg-lede).
func (s *system) opkg() {
	conf, src, ok := s.textAt("/etc/opkg.conf")
	bin := s.file("/bin/opkg")
	if !ok && bin == nil {
		return
	}
	if !ok {
		s.fact(&s.res.Updates, "opkg", Negative, "opkg is present without /etc/opkg.conf: package signatures are not checked", nil, ev(bin, 0, ""))
		return
	}
	on := false
	var onEv model.Evidence
	for n, l := range strings.Split(src, "\n") {
		fs := strings.Fields(l)
		if len(fs) >= 2 && fs[0] == "option" && fs[1] == "check_signature" {
			if len(fs) == 2 || fs[2] != "0" {
				on, onEv = true, ev(conf, n+1, l)
			}
		}
	}
	keys := s.glob("etc/opkg/keys/*")
	props := map[string]string{"check_signature": onOff(on), "keys": strconv.Itoa(len(keys))}
	e := []model.Evidence{ev(conf, onEv.Line, onEv.Excerpt)}
	for _, k := range keys {
		e = append(e, ev(k, 0, ""))
	}
	if u := s.file("/usr/bin/usign"); u != nil {
		e = append(e, ev(u, 0, "usign"))
	}
	signedOK := on && len(keys) > 0
	switch {
	case signedOK:
		s.fact(&s.res.Updates, "opkg", Positive, "opkg checks feed signatures (option check_signature) with "+strconv.Itoa(len(keys))+" usign keys in /etc/opkg/keys", props, e...)
	case on:
		s.fact(&s.res.Updates, "opkg", Negative, "opkg has check_signature on but no keys in /etc/opkg/keys: nothing can verify", props, e...)
	default:
		s.fact(&s.res.Updates, "opkg", Negative, "opkg does not check package feed signatures (no option check_signature in /etc/opkg.conf)", props, ev(conf, 0, ""))
	}
	// Feeds, in opkg.conf and /etc/opkg/*.conf.
	files := append([]*model.File{conf}, s.glob("etc/opkg/*.conf")...)
	for _, f := range files {
		fsrc, ok := s.text(f)
		if !ok {
			continue
		}
		for n, l := range strings.Split(fsrc, "\n") {
			m := feedLine().FindStringSubmatch(l)
			if m == nil {
				continue
			}
			url := m[3]
			fact := s.fact(&s.res.Updates, "opkg-feed", Neutral, "package feed "+m[2]+" at "+url, map[string]string{"url": url, "signed": onOff(signedOK)}, ev(f, n+1, l))
			if plain(url) {
				fact.Signal = Negative
				if signedOK {
					fact.Signal = Neutral
				}
				s.plainUpdates = append(s.plainUpdates, plainURL{url: url, at: ev(f, n+1, l), signed: signedOK, what: "opkg feed"})
			}
		}
	}
}

func plain(url string) bool {
	u := strings.ToLower(url)
	return strings.HasPrefix(u, "http://") || strings.HasPrefix(u, "ftp://") || strings.HasPrefix(u, "tftp://")
}

// plainURL is an update source reached without transport security.
type plainURL struct {
	url    string
	at     model.Evidence
	signed bool // the payload is signature-checked anyway
	what   string
}

// apt: sources lines; "[trusted=yes]" turns signature checks off.
func (s *system) apt() {
	files := append(s.glob("etc/apt/sources.list"), s.glob("etc/apt/sources.list.d/*")...)
	for _, f := range files {
		src, ok := s.text(f)
		if !ok {
			continue
		}
		for n, l := range strings.Split(src, "\n") {
			t := strings.TrimSpace(l)
			if !strings.HasPrefix(t, "deb ") && !strings.HasPrefix(t, "deb-src ") && !strings.HasPrefix(t, "URIs:") {
				continue
			}
			trusted := strings.Contains(t, "trusted=yes") || strings.Contains(t, "Trusted: yes")
			sig := Positive
			sum := "apt source; apt verifies Release signatures"
			if trusted {
				sig, sum = Negative, "apt source marked trusted=yes: signatures are not checked"
				s.noSig = append(s.noSig, noSigCheck{what: "apt source", at: ev(f, n+1, t)})
			}
			s.fact(&s.res.Updates, "apt", sig, sum, nil, ev(f, n+1, t))
			for _, w := range strings.Fields(t) {
				if plain(w) {
					s.plainUpdates = append(s.plainUpdates, plainURL{url: w, at: ev(f, n+1, t), signed: !trusted, what: "apt source"})
				}
			}
		}
	}
	// Debian's installer fetches udebs with wget and checks the Release file
	// with gpgv against the archive keyrings.
	if g := s.file("/usr/bin/gpgv"); g != nil {
		rings := s.glob("usr/share/keyrings/*.gpg")
		if len(rings) > 0 {
			e := []model.Evidence{ev(g, 0, "gpgv")}
			for _, r := range rings {
				e = append(e, ev(r, 0, ""))
			}
			s.fact(&s.res.Updates, "gpgv", Positive, "downloads are verified with gpgv against "+strconv.Itoa(len(rings))+" keyrings in /usr/share/keyrings", nil, e...)
		}
	}
}

// otaFrameworks: SWUpdate, RAUC, Mender, fwupd, U-Boot environment tools.
func (s *system) otaFrameworks() {
	if f, src, ok := s.textAt("/etc/rauc/system.conf"); ok {
		props := map[string]string{}
		sig := Negative
		sum := "RAUC is configured without a keyring: bundles cannot be verified"
		section := ""
		for _, e := range parseUnit(src) {
			section = e.Section
			if section == "keyring" && e.Key == "path" {
				props["keyring"] = e.Value
				p := e.Value
				if !strings.HasPrefix(p, "/") {
					p = "/etc/rauc/" + p
				}
				if s.file(p) != nil {
					sig, sum = Positive, "RAUC verifies bundle signatures against "+p
				} else {
					sum = "RAUC names keyring " + p + " but it is not in the image"
				}
			}
		}
		s.fact(&s.res.Updates, "rauc", sig, sum, props, ev(f, 0, ""))
	}
	if bin := s.file("/usr/bin/swupdate"); bin != nil {
		props := map[string]string{}
		sig, sum := Neutral, "SWUpdate is present; whether it requires signed images is a build option (CONFIG_SIGNED_IMAGES)"
		e := []model.Evidence{ev(bin, 0, "")}
		if f, src, ok := s.textAt("/etc/swupdate.cfg"); ok {
			e = append(e, ev(f, 0, ""))
			if m := regexp.MustCompile(`public-key-file\s*=\s*"([^"]+)"`).FindStringSubmatch(src); m != nil {
				props["public-key-file"] = m[1]
				if s.file(m[1]) != nil {
					sig, sum = Positive, "SWUpdate verifies images with the public key "+m[1]
				}
			}
		}
		for _, d := range s.glob("**/sw-description") {
			e = append(e, ev(d, 0, "sw-description"))
		}
		s.fact(&s.res.Updates, "swupdate", sig, sum, props, e...)
	}
	if f, src, ok := s.textAt("/etc/mender/mender.conf"); ok {
		props := map[string]string{}
		if m := regexp.MustCompile(`"ServerURL"\s*:\s*"([^"]*)"`).FindStringSubmatch(src); m != nil {
			props["ServerURL"] = m[1]
			if plain(m[1]) {
				line, text := lineOf(src, strings.Index(src, m[1]))
				s.plainUpdates = append(s.plainUpdates, plainURL{url: m[1], at: ev(f, line, text), what: "Mender server"})
			}
		}
		sig, sum := Neutral, "Mender client; artifacts are not signature-checked unless ArtifactVerifyKey is set"
		if m := regexp.MustCompile(`"ArtifactVerifyKeys?"\s*:\s*"?([^",\]]+)`).FindStringSubmatch(src); m != nil {
			props["ArtifactVerifyKey"] = m[1]
			sig, sum = Positive, "Mender verifies artifact signatures with "+m[1]
		}
		s.fact(&s.res.Updates, "mender", sig, sum, props, ev(f, 0, ""))
	}
	if d := s.file("/usr/libexec/fwupd/fwupd"); d != nil {
		s.fact(&s.res.Updates, "fwupd", Neutral, "fwupd is present (LVFS metadata is signed by default)", nil, ev(d, 0, ""))
	}
	for _, p := range []string{"/usr/sbin/fw_setenv", "/sbin/mtd", "/usr/sbin/flashcp", "/usr/sbin/nandwrite"} {
		if f := s.file(p); f != nil {
			s.fact(&s.res.Updates, "flash-tool", Neutral, p+" can write flash (used by update scripts)", nil, ev(f, 0, ""))
		}
	}
}

var uploadName = lazyre.New(`(?i)(upgrade|firmware|fwupload|upload_?fw|fw_?update|flash_?update|update_?fw|sysupgrade|ota)[^/]*\.(cgi|asp|aspx|php|htm|html|lua|sh|js|esp)$`)

// uploadHandlers: vendor web handlers that take a firmware image.
func (s *system) uploadHandlers() {
	n := 0
	for name, f := range s.idx {
		if n >= 32 || !strings.Contains(name, "/") || !uploadName().MatchString(path.Base(name)) {
			continue
		}
		if !strings.Contains(name, "www") && !strings.Contains(name, "cgi") && !strings.Contains(name, "web") && !strings.Contains(name, "htdocs") {
			continue
		}
		n++
		s.fact(&s.res.Updates, "upload-handler", Neutral, "web handler that accepts a firmware upload: "+name, nil, ev(f, 0, ""))
	}
}

// scanChunkAttrs reads what the extractors learnt from image headers: FIT
// signature nodes, model and version fields.
func scanChunkAttrs(t *model.Tree, res *Result) {
	for _, c := range t.Manifest.Chunks {
		for k, v := range c.Attrs {
			e := model.Evidence{Path: c.Layer, Offset: c.Offset, Length: c.Size, Excerpt: clip(k + "=" + v)}
			lk := strings.ToLower(k)
			switch {
			case lk == "fit.signed":
				sig, sum := Negative, "FIT image without signature nodes"
				if v == "true" || v == "1" || v == "yes" {
					sig, sum = Positive, "FIT image with signature nodes (verified by a U-Boot with FIT_SIGNATURE and the public key in its device tree)"
				}
				res.Updates = append(res.Updates, &Fact{Topic: "fit", Signal: sig, Summary: sum, Props: map[string]string{k: v}, Evidence: []model.Evidence{e}})
			case strings.Contains(lk, "signature") || strings.Contains(lk, "signed") || strings.Contains(lk, "rollback"):
				res.Updates = append(res.Updates, &Fact{Topic: "image-header", Signal: Neutral, Summary: k + " = " + v, Props: map[string]string{k: v}, Evidence: []model.Evidence{e}})
			case strings.Contains(lk, "model") || strings.Contains(lk, "board") || strings.Contains(lk, "product") || strings.Contains(lk, "hw"):
				res.Identity = append(res.Identity, &Ident{Field: "model", Value: v, Key: k, Evidence: e})
			case strings.Contains(lk, "version"):
				res.Identity = append(res.Identity, &Ident{Field: "version", Value: v, Key: k, Evidence: e})
			case strings.Contains(lk, "vendor"):
				res.Identity = append(res.Identity, &Ident{Field: "vendor", Value: v, Key: k, Evidence: e})
			}
		}
	}
}

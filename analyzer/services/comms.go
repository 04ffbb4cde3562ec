package services

import (
	"path"
	"regexp"
	"sort"
	"strings"

	"github.com/fwstar/fwstar/analyzer/internal/lazyre"
	"github.com/fwstar/fwstar/analyzer/model"
)

// noSigCheck is an update path that turns signature checks off.
type noSigCheck struct {
	what string
	at   model.Evidence
}

// insecureUse is a line that weakens TLS: verification off, old protocols,
// weak ciphers.
type insecureUse struct {
	rule string // tls-verification-disabled, weak-tls-config
	what string
	at   model.Evidence
}

const (
	maxScanFile  = 256 << 10 // text files scanned for TLS and reset evidence
	maxPerRule   = 64        // lines kept per rule and filesystem
	maxResetHits = 16
)

var tlsLibs = lazyre.New(`^(libssl|libcrypto|libmbedtls|libmbedcrypto|libmbedx509|libwolfssl|libcyassl|libgnutls|libaxtls|libpolarssl|libmatrixssl|libustream-(ssl|openssl|mbedtls|wolfssl)|libbearssl|libtls)(\.so|-)`)

var (
	urlRe        = lazyre.New(`(?i)\b(https?|ftp|tftp)://[^\s"'<>()\x60;]+`)
	updateWordRe = lazyre.New(`(?i)(upgrad|update|firmware|\bfw|ota\b|sysupgrade|download|image)`)
	verifyOffRe  = lazyre.New(`(?i)\b(ssl_?verify(_?peer|_?host)?|verify_?peer|verify_?host|tls_?verify|ssl_?check|check_?cert(ificate)?|sslverify|ssl-verify|insecure_?skip_?verify)\s*[=:]\s*["']?(0|false|no|none|off)\b`)
	weakProtoRe  = lazyre.New(`(?i)^\s*(ssl_protocols|sslprotocol|ssl-protocols|tls_version|minprotocol|ssl\.openssl\.ssl-conf-cmd|protocols?)\b(.*)`)
	weakCipherRe = lazyre.New(`(?i)^\s*(ssl_ciphers|sslciphersuite|ssl\.cipher-list|ciphers|ciphersuites?|cipher_list)\b(.*)`)
	fetchRe      = lazyre.New(`\b(curl|wget|uclient-fetch)\b`)
	weakLineRe   = lazyre.New(`(?im)^\s*(ssl_protocols|sslprotocol|ssl-protocols|tls_version|minprotocol|ssl\.openssl\.ssl-conf-cmd|protocols?|ssl_ciphers|sslciphersuite|ssl\.cipher-list|ciphers|ciphersuites?|cipher_list)\b`)
	resetRe      = lazyre.New(`(?i)(\bjffs2reset\b|\bfirstboot\b|\bmtd\b[^\n]*\berase\b|\bflash_erase(all)?\b|\bnvram\s+(erase|default)|factory[_ -]?reset|restore[_ -]?defaults?|\breset_?to_?default)`)
)

// scanComms finds TLS libraries and reads scripts and configurations for
// TLS weakened, plaintext update URLs and factory-reset commands.
func (s *system) scanComms() {
	var libs []model.Evidence
	names := map[string]bool{}
	for name, f := range s.idx {
		base := path.Base(name)
		if tlsLibs().MatchString(base) && (strings.HasPrefix(name, "lib/") || strings.HasPrefix(name, "usr/lib/") || strings.Contains(name, "/lib")) {
			libs = append(libs, ev(f, 0, ""))
			names[strings.SplitN(base, ".so", 2)[0]] = true
		}
	}
	if len(libs) > 0 {
		sort.Slice(libs, func(i, j int) bool { return libs[i].Path < libs[j].Path })
		var ns []string
		for n := range names {
			ns = append(ns, n)
		}
		sort.Strings(ns)
		s.fact(&s.res.Comms, "tls-library", Positive, "TLS libraries present: "+strings.Join(ns, ", "), nil, libs...)
	}
	for _, v := range s.order {
		if v.State == StateNotStarted || v.State == StateDisabled || v.TLS == nil {
			continue
		}
		switch {
		case v.TLS.Enabled && (v.Kind == "http" || v.Kind == "mqtt"):
			s.fact(&s.res.Comms, "tls-service", Positive, v.Name+" serves TLS", map[string]string{"cert": v.TLS.Cert}, v.TLS.Evidence...)
		case !v.TLS.Enabled && (v.Kind == "http" || v.Kind == "mqtt" || v.Kind == "telnet" || v.Kind == "ftp"):
			e := v.TLS.Evidence
			if len(e) == 0 && len(v.Starts) > 0 {
				e = []model.Evidence{v.Starts[0].At}
			}
			s.fact(&s.res.Comms, "plaintext-service", Negative, v.Name+" ("+v.Kind+") serves without TLS", nil, e...)
		}
	}
	s.scanTexts()
}

// scanTexts reads each small text file once for every line rule.
func (s *system) scanTexts() {
	var files []*model.File
	for name, f := range s.idx {
		if !f.Regular() || f.Entry.Size > maxScanFile || strings.HasPrefix(name, "etc/opkg") || strings.HasPrefix(name, "usr/share/doc") {
			continue
		}
		ext := path.Ext(name)
		if strings.HasPrefix(name, "etc/") || strings.Contains(name, "init.d/") || ext == ".sh" || ext == ".conf" || ext == ".cfg" ||
			ext == ".lua" || ext == ".cgi" || strings.Contains(name, "bin/") {
			files = append(files, f)
		}
	}
	sort.Slice(files, func(i, j int) bool { return files[i].Path < files[j].Path })
	resets := 0
	counts := map[string]int{}
	for _, f := range files {
		if s.ctx.Err() != nil {
			return
		}
		src, ok := s.text(f)
		if !ok {
			continue
		}
		script := strings.HasPrefix(src, "#!") || strings.HasSuffix(f.Name(), ".sh") || strings.Contains(f.Name(), "init.d/") ||
			strings.HasPrefix(f.Name(), "etc/cron") || strings.Contains(f.Name(), "/crontabs/")
		// Each rule runs once over the whole file; only its matches are
		// mapped back to lines (a regexp per line was the pass's hot spot).
		lineAt := func(off int) (int, string, bool) {
			n, l := lineOf(src, off)
			t := strings.TrimSpace(l)
			return n, t, t != "" && t[0] != '#' && t[0] != ';' && !strings.HasPrefix(t, "//")
		}
		if script && (strings.Contains(src, "curl") || strings.Contains(src, "wget") || strings.Contains(src, "uclient-fetch")) {
			for _, loc := range fetchRe().FindAllStringIndex(src, maxPerRule) {
				n, t, ok := lineAt(loc[0])
				if !ok || counts["v"] >= maxPerRule {
					continue
				}
				for _, c := range parseShell(t) {
					if why := fetchInsecure(c.Argv); why != "" {
						counts["v"]++
						s.insecure = append(s.insecure, insecureUse{rule: "tls-verification-disabled", what: why, at: ev(f, n, t)})
						break
					}
				}
			}
		}
		// Cheap keyword tests keep the case-insensitive rules off most files.
		lower := strings.ToLower(src)
		has := func(words ...string) bool {
			for _, w := range words {
				if strings.Contains(lower, w) {
					return true
				}
			}
			return false
		}
		for _, loc := range findAll(has("verif", "check", "insecure"), verifyOffRe(), src, maxPerRule) {
			if n, t, ok := lineAt(loc[0]); ok && counts["v"] < maxPerRule {
				counts["v"]++
				s.insecure = append(s.insecure, insecureUse{rule: "tls-verification-disabled", what: "certificate verification switched off", at: ev(f, n, t)})
			}
		}
		if !script {
			for _, loc := range findAll(has("proto", "cipher", "tls_version"), weakLineRe(), src, maxPerRule) {
				n, t, ok := lineAt(loc[0])
				if why := weakTLS(t); ok && why != "" && counts["w"] < maxPerRule {
					counts["w"]++
					s.insecure = append(s.insecure, insecureUse{rule: "weak-tls-config", what: why, at: ev(f, n, t)})
				}
			}
		}
		for _, loc := range findAll(strings.Contains(src, "://"), urlRe(), src, maxPerRule) {
			m := src[loc[0]:loc[1]]
			if !plain(m) || strings.Contains(m, "://127.") || strings.Contains(m, "://localhost") || counts["u"] >= maxPerRule {
				continue
			}
			if n, t, ok := lineAt(loc[0]); ok && updateWordRe().MatchString(t) {
				counts["u"]++
				s.plainUpdates = append(s.plainUpdates, plainURL{url: m, at: ev(f, n, t), what: "update or download URL"})
			}
		}
		if script && !strings.HasPrefix(f.Name(), "etc/rc.button/") {
			for _, loc := range findAll(has("reset", "firstboot", "erase", "factory", "restore", "nvram"), resetRe(), src, maxResetHits) {
				n, t, ok := lineAt(loc[0])
				if !ok || resets >= maxResetHits {
					continue
				}
				for _, c := range parseShell(t) {
					if why := resetCommand(c.Argv, f.Name()); why != "" {
						resets++
						s.fact(&s.res.Resets, "reset-command", Positive, why, nil, ev(f, n, t))
						break
					}
				}
			}
		}
	}
}

func findAll(ok bool, re *regexp.Regexp, src string, n int) [][]int {
	if !ok {
		return nil
	}
	return re.FindAllStringIndex(src, n)
}

// fetchInsecure tells why a curl/wget command skips certificate checks.
func fetchInsecure(argv []string) string {
	// The fetcher may follow a cron schedule or a wrapper: find it.
	for i, a := range argv {
		if b := path.Base(a); b == "curl" || b == "wget" || b == "uclient-fetch" {
			argv = argv[i:]
			break
		}
	}
	if len(argv) == 0 {
		return ""
	}
	switch path.Base(argv[0]) {
	case "curl":
		for _, a := range argv[1:] {
			if a == "--insecure" || len(a) > 1 && a[0] == '-' && a[1] != '-' && strings.ContainsRune(a[1:], 'k') {
				return "curl --insecure (-k): certificate not checked"
			}
		}
	case "wget", "uclient-fetch":
		for _, a := range argv[1:] {
			if a == "--no-check-certificate" {
				return path.Base(argv[0]) + " --no-check-certificate"
			}
		}
	}
	return ""
}

// weakTLS tells whether a configuration line enables an old protocol or a
// weak cipher. Exclusions ("-SSLv3", "!RC4") are not enabling.
func weakTLS(line string) string {
	if m := weakProtoRe().FindStringSubmatch(line); m != nil {
		for _, w := range strings.FieldsFunc(m[2], func(r rune) bool {
			return r == ' ' || r == '\t' || r == ',' || r == ':' || r == '"' || r == '\'' || r == ';' || r == '='
		}) {
			lw := strings.ToLower(w)
			if strings.HasPrefix(lw, "-") || strings.HasPrefix(lw, "!") {
				continue
			}
			lw = strings.TrimPrefix(lw, "+")
			switch lw {
			case "sslv2", "sslv3", "tlsv1", "tlsv1.0", "tlsv1.1", "tls1", "tls1.0", "tls1.1":
				return "protocol " + w + " enabled"
			}
		}
	}
	if m := weakCipherRe().FindStringSubmatch(line); m != nil {
		for _, w := range strings.FieldsFunc(m[2], func(r rune) bool {
			return r == ' ' || r == ':' || r == ',' || r == '"' || r == '\'' || r == ';' || r == '='
		}) {
			if strings.HasPrefix(w, "!") || strings.HasPrefix(w, "-") {
				continue
			}
			u := strings.ToUpper(strings.TrimPrefix(w, "+"))
			for _, weak := range []string{"RC4", "NULL", "EXPORT", "DES-CBC-", "ANULL", "ENULL", "MD5"} {
				if strings.Contains(u, weak) && !strings.Contains(u, "3DES") {
					return "weak cipher " + w + " enabled"
				}
			}
		}
	}
	return ""
}

var resetContext = lazyre.New(`(?i)(reset|factory|default|erase|wipe)`)

// resetCommand tells what a command erases: OpenWrt's jffs2reset and
// firstboot wipe the overlay; "mtd erase" and flash_erase count in a file
// whose name says it resets; "nvram erase/default" resets vendor settings.
func resetCommand(argv []string, file string) string {
	prog := program(argv)
	if len(prog) == 0 {
		return ""
	}
	base := path.Base(prog[0])
	switch {
	case base == "jffs2reset" || base == "firstboot":
		return base + " wipes the writable overlay (factory reset)"
	case base == "factoryreset" || base == "factory_reset" || base == "factory-reset":
		return base + " restores factory settings"
	case base == "nvram" && len(prog) > 1 && (prog[1] == "erase" || prog[1] == "default" || prog[1] == "restore_default"):
		return "nvram " + prog[1] + " clears stored settings"
	case (base == "mtd" || base == "flash_erase" || base == "flash_eraseall") && resetContext().MatchString(path.Base(file)):
		for _, a := range prog[1:] {
			if a == "erase" || base != "mtd" {
				return base + " erases a flash partition in a reset script"
			}
		}
	}
	return ""
}

// scanResets records the factory-reset tools of the image.
func (s *system) scanResets() {
	for _, p := range []string{"/sbin/firstboot", "/sbin/jffs2reset", "/usr/sbin/factoryreset", "/usr/bin/factory-reset", "/sbin/factory_reset"} {
		if f := s.file(p); f != nil {
			s.fact(&s.res.Resets, "factory-reset", Positive, p+" restores the factory state (erases the writable overlay)", nil, ev(f, 0, ""))
		}
	}
	for _, p := range []string{"etc/rc.button/reset", "etc/hotplug.d/button/*"} {
		for _, f := range s.glob(p) {
			src, ok := s.text(f)
			if !ok {
				continue
			}
			for _, c := range parseShell(src) {
				if why := resetCommand(c.Argv, "reset"); why != "" {
					s.fact(&s.res.Resets, "reset-button", Positive, "the reset button runs: "+why, nil, ev(f, c.Line, lineText(src, c.Line)))
					break
				}
			}
		}
	}
}

package services

import (
	"path"
	"sort"
	"strings"

	"github.com/fwstar/fwstar/analyzer/model"
	"github.com/fwstar/fwstar/extractors/engine"
)

// uhttpd reads /etc/config/uhttpd as OpenWrt's /etc/init.d/uhttpd does:
// list listen_http / listen_https, cert, key, realm, home, cgi_prefix,
// config (a BusyBox httpd.conf with basic-auth lines). HTTPS is only
// started when the TLS plugin (libustream-ssl) is installed and a
// certificate exists or can be made (px5g).
func (s *system) uhttpd(v *Service) {
	f, src, ok := s.textAt("/etc/config/uhttpd")
	if !ok {
		return
	}
	v.Config = appendEv(v.Config, ev(f, 1, "/etc/config/uhttpd"))
	v.Ports = nil
	a := &Auth{Required: false, Methods: []string{"none"}, Settings: map[string]string{}}
	tls := &TLS{}
	for _, sec := range parseUCI(src) {
		if sec.Type != "uhttpd" {
			continue
		}
		for _, l := range sec.all("listen_http") {
			v.Ports = append(v.Ports, "http "+l.Value)
			tls.Evidence = append(tls.Evidence, ev(f, l.Line, "list listen_http "+l.Value))
		}
		https := sec.all("listen_https")
		cert, key := "/etc/uhttpd.crt", "/etc/uhttpd.key"
		if o, ok := sec.get("cert"); ok {
			cert = o.Value
		}
		if o, ok := sec.get("key"); ok {
			key = o.Value
		}
		tls.Cert, tls.Key = cert, key
		tls.CertFound, tls.KeyFound = s.file(cert) != nil, s.file(key) != nil
		if len(https) > 0 {
			plugin := s.file("/lib/libustream-ssl.so") != nil || s.file("/usr/lib/libustream-ssl.so") != nil ||
				len(s.glob("lib/libustream-*.so")) > 0 || len(s.glob("usr/lib/libustream-*.so")) > 0
			gen := s.file("/usr/sbin/px5g") != nil || s.file("/usr/bin/openssl") != nil
			for _, l := range https {
				tls.Evidence = append(tls.Evidence, ev(f, l.Line, "list listen_https "+l.Value))
			}
			switch {
			case !plugin:
				tls.Notes = append(tls.Notes, "listen_https is set but the TLS plugin (libustream-ssl) is not in the image: the init script starts HTTP only")
			case !tls.CertFound && !gen:
				tls.Notes = append(tls.Notes, "listen_https is set but "+cert+" is absent and no generator (px5g) is present")
			default:
				tls.Enabled = true
				for _, l := range https {
					v.Ports = append(v.Ports, "https "+l.Value)
				}
				if !tls.CertFound {
					tls.Notes = append(tls.Notes, "certificate generated on first boot")
				}
			}
		}
		if o, ok := sec.get("redirect_https"); ok {
			if b, _ := uciBool(o.Value); b && tls.Enabled {
				tls.Notes = append(tls.Notes, "HTTP redirects to HTTPS")
			}
		}
		if o, ok := sec.get("realm"); ok {
			a.Settings["realm"] = o.Value
		}
		if o, ok := sec.get("config"); ok {
			s.httpdConf(a, o.Value)
		}
		if o, ok := sec.get("no_ubusauth"); ok {
			if b, _ := uciBool(o.Value); b {
				a.Settings["no_ubusauth"] = "1"
				a.Evidence = append(a.Evidence, ev(f, o.Line, "option no_ubusauth "+o.Value))
			}
		}
		home := "/www"
		if o, ok := sec.get("home"); ok {
			home = o.Value
		}
		prefix := "/cgi-bin"
		if o, ok := sec.get("cgi_prefix"); ok {
			prefix = o.Value
		}
		v.CGIs = append(v.CGIs, s.listDir(path.Join(home, prefix), nil)...)
	}
	if s.file("/usr/lib/lua/luci") != nil || s.file("/www/cgi-bin/luci") != nil {
		a.Required = true
		a.Methods = []string{"application (LuCI login)"}
		a.Settings["application"] = "LuCI: root password login through its own session handling"
	}
	v.Auth, v.TLS = a, tls
}

// httpdConf reads a BusyBox httpd.conf: "/path:user:password" lines ask
// for basic authentication (networking/httpd.c).
func (s *system) httpdConf(a *Auth, p string) {
	f, src, ok := s.textAt(p)
	if !ok {
		return
	}
	for n, l := range strings.Split(src, "\n") {
		t := strings.TrimSpace(l)
		if strings.HasPrefix(t, "/") && strings.Count(t, ":") >= 2 {
			a.Required = true
			a.Methods = []string{"basic"}
			a.Evidence = append(a.Evidence, ev(f, n+1, t[:strings.IndexByte(t, ':')]+":***"))
		}
	}
}

// busyboxHTTPD: httpd -p [IP:]PORT -h HOME -c CONF (BusyBox httpd).
func (s *system) busyboxHTTPD(v *Service) {
	a := &Auth{Required: false, Methods: []string{"none"}}
	for _, argv := range argsOf(v) {
		if p, ok := optValue(argv, "-p"); ok {
			v.Ports = []string{"tcp/" + p}
		}
		conf := "/etc/httpd.conf"
		if c, ok := optValue(argv, "-c"); ok {
			conf = c
		}
		s.httpdConf(a, conf)
		if h, ok := optValue(argv, "-h"); ok {
			v.CGIs = append(v.CGIs, s.listDir(path.Join(h, "cgi-bin"), nil)...)
		}
	}
	v.Auth, v.TLS = a, &TLS{Enabled: false}
}

// listDir lists the regular files (and links) of a device folder whose
// names end in one of exts (all when nil).
func (s *system) listDir(dir string, exts []string) []string {
	d, _ := s.find(dir)
	if d == nil {
		return nil
	}
	var out []string
	prefix := d.Name() + "/"
	for name, f := range s.idx {
		if !strings.HasPrefix(name, prefix) || strings.Contains(name[len(prefix):], "/") || f.Entry.Type == engine.TypeDir {
			continue
		}
		if exts != nil {
			ok := false
			for _, e := range exts {
				if strings.HasSuffix(name, "."+e) {
					ok = true
				}
			}
			if !ok {
				continue
			}
		}
		out = append(out, f.Path)
	}
	sort.Strings(out)
	return out
}

// confLine is one directive of an Apache-like configuration.
type confLine struct {
	File  *model.File
	Line  int
	Key   string
	Args  []string
	Raw   string
	Block string // the enclosing <if X>/<Route X> block, if any
}

// readApacheLike reads Appweb (and Apache/Boa style) configuration:
// "Directive args", '#' comments, <Block ...> ... </Block>, and
// include/Include of files relative to the first file's folder.
func (s *system) readApacheLike(f *model.File, dir string, depth int, seen map[string]bool) []confLine {
	src, ok := s.text(f)
	if !ok || depth > maxDepth || seen[f.Path] {
		return nil
	}
	seen[f.Path] = true
	var out []confLine
	var blocks []string
	for n, l := range strings.Split(src, "\n") {
		t := strings.TrimSpace(l)
		if t == "" || t[0] == '#' {
			continue
		}
		if strings.HasPrefix(t, "</") {
			if len(blocks) > 0 {
				blocks = blocks[:len(blocks)-1]
			}
			continue
		}
		if strings.HasPrefix(t, "<") {
			blocks = append(blocks, strings.Trim(t, "<>"))
			continue
		}
		words := parseShell(t)
		if len(words) == 0 || len(words[0].Argv) == 0 {
			continue
		}
		argv := words[0].Argv
		key := argv[0]
		if strings.EqualFold(key, "include") && len(argv) > 1 {
			p := argv[1]
			if !strings.HasPrefix(p, "/") {
				p = path.Join(dir, p)
			}
			for _, inc := range s.glob(strings.TrimPrefix(p, "/")) {
				out = append(out, s.readApacheLike(inc, dir, depth+1, seen)...)
			}
			continue
		}
		out = append(out, confLine{File: f, Line: n + 1, Key: key, Args: argv[1:], Raw: t, Block: strings.Join(blocks, " > ")})
	}
	return out
}

// appweb reads appweb.conf (Embedthis Appweb: Listen, ListenSecure,
// SSLCertificateFile, Documents, AddHandler cgiHandler EXT..., ScriptAlias,
// AuthType/AuthStore/Require).
func (s *system) appweb(v *Service) {
	var conf *model.File
	for _, argv := range argsOf(v) {
		if p, ok := optValue(argv, "--config"); ok {
			conf, _ = s.find(p)
		}
	}
	if conf == nil {
		if c := s.glob("**/appweb.conf"); len(c) > 0 {
			conf = c[0]
		}
	}
	if conf == nil {
		return
	}
	lines := s.readApacheLike(conf, "/"+path.Dir(conf.Name()), 0, map[string]bool{})
	v.Config = appendEv(v.Config, ev(conf, 0, "appweb.conf"))
	a := &Auth{Required: false, Methods: []string{"none"}, Settings: map[string]string{}}
	tls := &TLS{}
	v.Ports = nil
	var docs string
	var cgiExt []string
	var aliases []string
	for _, c := range lines {
		arg := ""
		if len(c.Args) > 0 {
			arg = c.Args[0]
		}
		switch strings.ToLower(c.Key) {
		case "listen":
			v.Ports = append(v.Ports, "http "+arg)
			tls.Evidence = append(tls.Evidence, ev(c.File, c.Line, c.Raw))
		case "listensecure":
			v.Ports = append(v.Ports, "https "+arg)
			tls.Enabled = true
			tls.Evidence = append(tls.Evidence, ev(c.File, c.Line, c.Raw))
		case "sslcertificatefile":
			tls.Cert = arg
			f, _ := s.find(arg)
			tls.CertFound = f != nil
		case "sslcertificatekeyfile":
			tls.Key = arg
			f, _ := s.find(arg)
			tls.KeyFound = f != nil
		case "sslprotocol", "sslciphersuite":
			tls.Protocols = strings.Join(c.Args, " ")
		case "documents", "documentroot":
			docs = arg
		case "addhandler":
			if arg == "cgiHandler" {
				cgiExt = append(cgiExt, c.Args[1:]...)
				a.Evidence = append(a.Evidence, ev(c.File, c.Line, c.Raw))
			}
		case "scriptalias":
			if len(c.Args) > 1 {
				aliases = append(aliases, c.Args[1])
			}
		case "authtype", "authstore", "require", "user", "role":
			a.Required = true
			a.Methods = []string{"http-auth"}
			a.Settings[strings.ToLower(c.Key)] = strings.Join(c.Args, " ")
			a.Evidence = append(a.Evidence, ev(c.File, c.Line, c.Key+" …"))
		}
	}
	if docs != "" {
		a.Settings["documents"] = docs
		if len(cgiExt) > 0 {
			v.CGIs = append(v.CGIs, s.listDir(docs, cgiExt)...)
		}
	}
	for _, al := range aliases {
		al = strings.ReplaceAll(al, "${DOCUMENTS}", docs)
		v.CGIs = append(v.CGIs, s.listDir(path.Clean(al), nil)...)
	}
	if !a.Required {
		a.Settings["note"] = "no AuthType/Require in appweb.conf: the server asks for no credentials; CGIs may check their own"
	}
	v.Auth, v.TLS = a, tls
}

// lighttpd reads lighttpd.conf: server.port, ssl.engine, ssl.pemfile,
// ssl.use-sslv3, auth.require, cgi.assign, and include "conf-enabled/*.conf".
func (s *system) lighttpd(v *Service) {
	conf := "/etc/lighttpd/lighttpd.conf"
	for _, argv := range argsOf(v) {
		if p, ok := optValue(argv, "-f"); ok {
			conf = p
		}
	}
	f, _, ok := s.textAt(conf)
	if !ok {
		return
	}
	v.Config = appendEv(v.Config, ev(f, 0, conf))
	a := &Auth{Required: false, Methods: []string{"none"}, Settings: map[string]string{}}
	tls := &TLS{}
	var walk func(f *model.File, depth int)
	seen := map[string]bool{}
	walk = func(f *model.File, depth int) {
		src, ok := s.text(f)
		if !ok || depth > maxDepth || seen[f.Path] {
			return
		}
		seen[f.Path] = true
		for n, l := range strings.Split(src, "\n") {
			t := strings.TrimSpace(l)
			if t == "" || t[0] == '#' {
				continue
			}
			k, val, _ := strings.Cut(t, "=")
			k, val = strings.TrimSpace(k), strings.Trim(strings.TrimSpace(val), `"`)
			switch {
			case strings.HasPrefix(t, "include ") || strings.HasPrefix(t, "include_shell"):
				p := strings.Trim(strings.TrimSpace(strings.TrimPrefix(t, "include")), `"`)
				if strings.HasPrefix(t, "include_shell") {
					// Debian's include_shell "/usr/share/lighttpd/include-conf-enabled.pl"
					p = "/etc/lighttpd/conf-enabled/*.conf"
				}
				if !strings.HasPrefix(p, "/") {
					p = path.Join(path.Dir("/"+f.Name()), p)
				}
				for _, inc := range s.glob(strings.TrimPrefix(p, "/")) {
					walk(inc, depth+1)
				}
			case k == "server.port":
				v.Ports = []string{"tcp/" + val}
			case k == "ssl.engine" && val == "enable":
				tls.Enabled = true
				tls.Evidence = append(tls.Evidence, ev(f, n+1, t))
			case k == "ssl.pemfile":
				tls.Cert = val
				tls.CertFound = s.file(val) != nil
				tls.Key, tls.KeyFound = val, tls.CertFound
			case k == "ssl.use-sslv3" && val == "enable", k == "ssl.use-sslv2" && val == "enable":
				tls.Protocols = strings.TrimPrefix(k, "ssl.use-")
				tls.Evidence = append(tls.Evidence, ev(f, n+1, t))
			case k == "auth.require" || k == "auth.backend":
				a.Required = true
				a.Methods = []string{"http-auth"}
				a.Evidence = append(a.Evidence, ev(f, n+1, t))
			}
		}
	}
	walk(f, 0)
	v.Auth, v.TLS = a, tls
}

// snmpd reads communities from snmpd.conf (rocommunity/rwcommunity,
// com2sec) and OpenWrt's /etc/config/snmpd (com2sec sections).
func (s *system) snmpd(v *Service) {
	a := &Auth{Required: true, Methods: []string{"community"}, Settings: map[string]string{}}
	v.Auth = a
	for _, argv := range argsOf(v) {
		if c, ok := optValue(argv, "-c"); ok { // mini_snmpd -c COMMUNITY
			a.Settings["community "+c] = "ro"
		}
	}
	for _, p := range []string{"etc/snmp/snmpd.conf", "etc/snmpd.conf", "var/run/snmpd.conf"} {
		f := s.idx[p]
		src, ok := s.text(f)
		if !ok {
			continue
		}
		v.Config = appendEv(v.Config, ev(f, 0, "/"+p))
		for n, l := range strings.Split(src, "\n") {
			fs := strings.Fields(l)
			if len(fs) < 2 || strings.HasPrefix(fs[0], "#") {
				continue
			}
			switch fs[0] {
			case "rocommunity", "rwcommunity", "rocommunity6", "rwcommunity6":
				a.Settings["community "+fs[1]] = strings.TrimSuffix(fs[0], "6")[:2]
				a.Evidence = append(a.Evidence, ev(f, n+1, fs[0]+" "+fs[1]))
			case "com2sec", "com2sec6":
				if len(fs) >= 4 {
					a.Settings["community "+fs[3]] = "com2sec " + fs[1]
					a.Evidence = append(a.Evidence, ev(f, n+1, fs[0]+" "+fs[1]+" "+fs[2]+" "+fs[3]))
				}
			}
		}
	}
	if f, src, ok := s.textAt("/etc/config/snmpd"); ok {
		for _, sec := range parseUCI(src) {
			if sec.Type == "com2sec" || sec.Type == "com2sec6" {
				if o, ok := sec.get("community"); ok {
					a.Settings["community "+o.Value] = "com2sec " + sec.Name
					a.Evidence = append(a.Evidence, ev(f, o.Line, "option community "+o.Value))
				}
			}
		}
	}
}

// mosquitto reads mosquitto.conf and include_dir: listener/port,
// allow_anonymous, password_file, certfile/keyfile.
func (s *system) mosquitto(v *Service) {
	conf := "/etc/mosquitto/mosquitto.conf"
	for _, argv := range argsOf(v) {
		if p, ok := optValue(argv, "-c"); ok {
			conf = p
		}
	}
	f, _, ok := s.textAt(conf)
	if !ok {
		return
	}
	a := &Auth{Required: false, Methods: []string{"anonymous"}, Settings: map[string]string{"allow_anonymous": "unset (true before mosquitto 2.0; false from 2.0)"}}
	tls := &TLS{}
	files := []*model.File{f}
	v.Ports = nil
	for i := 0; i < len(files) && i < 64; i++ {
		src, ok := s.text(files[i])
		if !ok {
			continue
		}
		v.Config = appendEv(v.Config, ev(files[i], 0, ""))
		for n, l := range strings.Split(src, "\n") {
			fs := strings.Fields(l)
			if len(fs) < 2 || strings.HasPrefix(fs[0], "#") {
				continue
			}
			e := ev(files[i], n+1, strings.Join(fs, " "))
			switch fs[0] {
			case "include_dir":
				files = append(files, s.glob(strings.TrimPrefix(path.Join(fs[1], "*.conf"), "/"))...)
			case "listener", "port":
				v.Ports = append(v.Ports, "tcp/"+strings.Join(fs[1:], " "))
			case "allow_anonymous":
				a.Settings["allow_anonymous"] = fs[1]
				a.Evidence = append(a.Evidence, e)
			case "password_file", "psk_file", "auth_plugin", "plugin":
				a.Settings[fs[0]] = fs[1]
				a.Evidence = append(a.Evidence, e)
			case "certfile":
				tls.Enabled, tls.Cert, tls.CertFound = true, fs[1], s.file(fs[1]) != nil
				tls.Evidence = append(tls.Evidence, e)
			case "keyfile":
				tls.Key, tls.KeyFound = fs[1], s.file(fs[1]) != nil
			case "tls_version":
				tls.Protocols = fs[1]
			}
		}
	}
	if len(v.Ports) == 0 {
		v.Ports = []string{"tcp/1883"}
	}
	if a.Settings["password_file"] != "" || a.Settings["psk_file"] != "" || a.Settings["auth_plugin"] != "" || a.Settings["plugin"] != "" {
		a.Required, a.Methods = true, []string{"password"}
	}
	if a.Settings["allow_anonymous"] == "false" {
		a.Required = true
	}
	v.Auth, v.TLS = a, tls
}

// miniupnpd reads secure_mode from miniupnpd.conf or OpenWrt's
// /etc/config/upnpd (option enabled, option secure_mode).
func (s *system) miniupnpd(v *Service) {
	a := &Auth{Required: false, Methods: []string{"none"}, Settings: map[string]string{}}
	v.Auth = a
	for _, p := range []string{"etc/miniupnpd.conf", "etc/miniupnpd/miniupnpd.conf"} {
		f := s.idx[p]
		src, ok := s.text(f)
		if !ok {
			continue
		}
		v.Config = appendEv(v.Config, ev(f, 0, "/"+p))
		for n, l := range strings.Split(src, "\n") {
			t := strings.TrimSpace(l)
			if k, val, ok := strings.Cut(t, "="); ok && !strings.HasPrefix(t, "#") {
				switch k {
				case "secure_mode", "enable_upnp", "enable_natpmp":
					a.Settings[k] = val
					a.Evidence = append(a.Evidence, ev(f, n+1, t))
				}
			}
		}
	}
	if f, src, ok := s.textAt("/etc/config/upnpd"); ok {
		for _, sec := range parseUCI(src) {
			if sec.Type != "upnpd" {
				continue
			}
			for _, k := range []string{"enabled", "secure_mode", "enable_upnp", "enable_natpmp"} {
				if o, ok := sec.get(k); ok {
					b, _ := uciBool(o.Value)
					a.Settings[k] = map[bool]string{true: "yes", false: "no"}[b]
					a.Evidence = append(a.Evidence, ev(f, o.Line, "option "+k+" "+o.Value))
				}
			}
		}
		if a.Settings["enabled"] == "no" {
			for _, st := range v.Starts {
				if st.State == StateEnabled {
					st.State, st.Condition = StateConditional, "/etc/config/upnpd option enabled 1"
				}
			}
			v.State, v.Condition = StateConditional, "/etc/config/upnpd option enabled 1"
		}
	}
}

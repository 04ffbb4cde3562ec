package services

import (
	"fmt"
	"strings"

	"github.com/fwstar/fwstar/analyzer/model"
)

// rule is the fixed part of a finding: kind, criteria, title and remediation.
type rule struct {
	Kind        string
	Criteria    []string
	Title       model.Text
	Remediation model.Text
}

var rules = map[string]rule{
	"telnet-enabled": {model.KindService, []string{"S1.1-13", "S1.1-12", "S1.1-02"},
		model.Text{EN: "Telnet server is started", JA: "Telnet サーバが起動される"},
		model.Text{EN: "Remove telnetd from the image or disable it; offer SSH with per-device credentials instead.", JA: "telnetd をイメージから削除するか無効化し、機器ごとの認証情報を用いる SSH で代替してください。"}},
	"telnet-no-login": {model.KindService, []string{"S1.1-13", "S1.1-01", "S1.1-02"},
		model.Text{EN: "Telnet gives a shell without login", JA: "Telnet がログインなしでシェルを提供する"},
		model.Text{EN: "Never run telnetd with -l pointing at a shell; remove telnetd.", JA: "telnetd の -l にシェルを指定しないでください。telnetd を削除してください。"}},
	"root-shell-on-console": {model.KindService, []string{"S1.1-13", "S1.1-01"},
		model.Text{EN: "Shell on a console without password", JA: "パスワードなしでコンソールにシェルが提供される"},
		model.Text{EN: "Run a getty with login (and a set root password) on consoles, or no console shell at all in production builds.", JA: "製品ビルドではコンソールにログイン付きの getty を使う（root パスワードを設定する）か、コンソールシェルを無効にしてください。"}},
	"console-login-no-password": {model.KindCredential, []string{"S1.1-13", "S1.1-02"},
		model.Text{EN: "Console login accepts root without a password", JA: "コンソールログインで root がパスワードなしで入れる"},
		model.Text{EN: "Set a per-device root password or lock the root account; disable the serial getty in production.", JA: "機器ごとの root パスワードを設定するか root アカウントをロックし、製品ではシリアル getty を無効にしてください。"}},
	"ssh-password-auth": {model.KindService, []string{"S1.1-02", "S1.1-04"},
		model.Text{EN: "SSH accepts password logins", JA: "SSH がパスワードログインを受け付ける"},
		model.Text{EN: "Prefer public-key authentication; if passwords stay, make them per-device and limit attempts.", JA: "公開鍵認証を推奨します。パスワードを残す場合は機器ごとに固有とし、試行回数を制限してください。"}},
	"ssh-root-login": {model.KindService, []string{"S1.1-01", "S1.1-02"},
		model.Text{EN: "SSH allows root to log in with a password", JA: "SSH で root のパスワードログインが許可されている"},
		model.Text{EN: "Set PermitRootLogin prohibit-password (OpenSSH) or -g/-w (dropbear; RootPasswordAuth off on OpenWrt).", JA: "PermitRootLogin prohibit-password（OpenSSH）、または dropbear の -g/-w（OpenWrt では RootPasswordAuth off）を設定してください。"}},
	"ssh-empty-passwords": {model.KindCredential, []string{"S1.1-02"},
		model.Text{EN: "SSH accepts empty passwords", JA: "SSH が空パスワードを受け付ける"},
		model.Text{EN: "Set PermitEmptyPasswords no.", JA: "PermitEmptyPasswords no を設定してください。"}},
	"snmp-default-community": {model.KindCredential, []string{"S1.1-02", "S1.1-12"},
		model.Text{EN: "SNMP uses a default community", JA: "SNMP が既定のコミュニティ名を使用している"},
		model.Text{EN: "Remove public/private communities; use SNMPv3 with per-device users.", JA: "public/private コミュニティを削除し、機器ごとのユーザを用いる SNMPv3 を使用してください。"}},
	"mqtt-anonymous": {model.KindService, []string{"S1.1-01", "S1.1-13"},
		model.Text{EN: "MQTT broker allows anonymous clients", JA: "MQTT ブローカが匿名クライアントを許可している"},
		model.Text{EN: "Set allow_anonymous false with a password file or certificates, and TLS listeners.", JA: "allow_anonymous false とし、パスワードファイルまたは証明書と TLS リスナーを設定してください。"}},
	"upnp-insecure": {model.KindService, []string{"S1.1-13"},
		model.Text{EN: "UPnP IGD without secure mode", JA: "UPnP IGD がセキュアモードなしで動作する"},
		model.Text{EN: "Disable UPnP by default or set secure_mode=yes so clients only map ports to themselves.", JA: "UPnP を既定で無効にするか secure_mode=yes を設定してください。"}},
	"debug-shell": {model.KindService, []string{"S1.1-13", "S1.1-01"},
		model.Text{EN: "Debug shell or debugger listens on the network", JA: "デバッグ用シェル／デバッガがネットワークで待ち受ける"},
		model.Text{EN: "Remove debug listeners (nc -e, adbd, gdbserver) from production images.", JA: "製品イメージからデバッグ用リスナー（nc -e、adbd、gdbserver）を削除してください。"}},
	"ftp-enabled": {model.KindService, []string{"S1.1-13", "S1.1-12"},
		model.Text{EN: "FTP or TFTP server is started", JA: "FTP/TFTP サーバが起動される"},
		model.Text{EN: "Remove plaintext file-transfer servers or restrict them to a provisioning mode.", JA: "平文のファイル転送サーバを削除するか、初期設定モードに限定してください。"}},
	"web-no-tls": {model.KindComms, []string{"S1.1-12"},
		model.Text{EN: "Web interface served without TLS", JA: "Web インタフェースが TLS なしで提供される"},
		model.Text{EN: "Serve the management interface over HTTPS with a per-device certificate and redirect HTTP to it.", JA: "管理画面は機器ごとの証明書による HTTPS で提供し、HTTP はリダイレクトしてください。"}},
	"tls-verification-disabled": {model.KindComms, []string{"S1.1-12", "S1.1-08"},
		model.Text{EN: "TLS certificate verification switched off", JA: "TLS 証明書の検証が無効化されている"},
		model.Text{EN: "Verify server certificates (drop -k/--insecure/--no-check-certificate) and ship the CA bundle.", JA: "サーバ証明書を検証してください（-k/--insecure/--no-check-certificate を削除し、CA 証明書を同梱）。"}},
	"weak-tls-config": {model.KindComms, []string{"S1.1-12"},
		model.Text{EN: "Old TLS protocol or weak cipher enabled", JA: "古い TLS プロトコルまたは弱い暗号スイートが有効"},
		model.Text{EN: "Allow TLS 1.2 or later with AEAD cipher suites only.", JA: "TLS 1.2 以上と AEAD 暗号スイートのみを許可してください。"}},
	"plaintext-update-url": {model.KindUpdate, []string{"S1.1-08", "S1.1-12"},
		model.Text{EN: "Updates fetched over a plaintext protocol", JA: "更新が平文プロトコルで取得される"},
		model.Text{EN: "Fetch updates over HTTPS with certificate checks, and verify a signature on the payload.", JA: "更新は証明書検証付きの HTTPS で取得し、ペイロードの署名を検証してください。"}},
	"update-no-signature-check": {model.KindUpdate, []string{"S1.1-08", "S1.1-06"},
		model.Text{EN: "Update path without signature verification", JA: "署名検証のない更新経路"},
		model.Text{EN: "Verify a vendor signature on every update image or package before installing it.", JA: "すべての更新イメージ／パッケージについて、インストール前にベンダ署名を検証してください。"}},
}

// finding builds a finding of a rule.
func finding(id string, sev model.Severity, conf string, detail model.Text, key string, props map[string]string, e ...model.Evidence) model.Finding {
	r := rules[id]
	f := model.Finding{RuleID: id, Kind: r.Kind, Severity: sev, Confidence: conf, Title: r.Title, Detail: detail,
		Remediation: r.Remediation, Evidence: e, Criteria: r.Criteria, Props: props}
	f.Fingerprint(key)
	return f
}

func startEvidence(v *Service) []model.Evidence {
	var out []model.Evidence
	for _, st := range v.Starts {
		if st.State == StateEnabled || st.State == StateConditional {
			out = append(out, st.At)
		}
	}
	return out
}

func stateText(v *Service) model.Text {
	if v.State == StateConditional {
		return model.Text{EN: " (conditionally: " + v.Condition + ")", JA: "（条件付き: " + v.Condition + "）"}
	}
	return model.Text{}
}

// findings turns what the system showed into findings.
func (s *system) findings() []model.Finding {
	var out []model.Finding
	rootWeak, rootWeakOK := s.weak("root")
	weakText := func() (string, string) {
		if !rootWeakOK {
			return "", ""
		}
		if rootWeak.Rule == "empty-password" {
			return " while root has no password", "。root にパスワードが設定されていません"
		}
		return " while root has a default password", "。root が既定のパスワードです"
	}
	for _, v := range s.order {
		if v.State != StateEnabled && v.State != StateConditional {
			continue
		}
		e := append(startEvidence(v), v.Config...)
		conf := model.ConfHigh
		if v.State == StateConditional {
			conf = model.ConfMedium
		}
		st := stateText(v)
		props := map[string]string{"service": v.Name, "state": v.State}
		switch v.Kind {
		case "telnet":
			wEN, wJA := weakText()
			if v.Auth != nil && !v.Auth.Required {
				out = append(out, finding("telnet-no-login", model.Critical, conf, model.Text{
					EN: fmt.Sprintf("%s runs %s for every connection, with no password%s.", v.Binary, v.Auth.Settings["login_program"], st.EN),
					JA: fmt.Sprintf("%s は接続ごとに %s をパスワードなしで実行します%s。", v.Binary, v.Auth.Settings["login_program"], st.JA)}, v.Layer, props, e...))
				continue
			}
			sev := model.High
			if rootWeakOK {
				sev = model.Critical
				e = append(e, evPaths(rootWeak.Paths)...)
			}
			cond := ""
			if strings.Contains(v.Condition, "has_root_pwd") {
				cond = " OpenWrt starts telnet only while root has no password (or no SSH server is enabled)."
				if rootWeakOK && rootWeak.Rule == "empty-password" {
					cond += " In this image root has no password, so telnet is started."
				}
			}
			out = append(out, finding("telnet-enabled", sev, conf, model.Text{
				EN: fmt.Sprintf("%s is started%s%s; telnet carries passwords in clear text.%s", v.Binary, st.EN, wEN, cond),
				JA: fmt.Sprintf("%s が起動されます%s%s。Telnet はパスワードを平文で送ります。", v.Binary, st.JA, wJA)}, v.Layer, props, e...))
		case "ssh":
			out = append(out, s.sshFindings(v, e, conf, props)...)
		case "ftp", "tftp":
			out = append(out, finding("ftp-enabled", model.Medium, conf, model.Text{
				EN: fmt.Sprintf("%s (%s) is started%s.", v.Binary, v.Kind, st.EN),
				JA: fmt.Sprintf("%s（%s）が起動されます%s。", v.Binary, v.Kind, st.JA)}, v.Layer+v.Name, props, e...))
		case "http":
			if v.TLS != nil && !v.TLS.Enabled && v.Auth != nil {
				notes := strings.Join(v.TLS.Notes, "; ")
				if notes != "" {
					notes = " " + notes + "."
				}
				out = append(out, finding("web-no-tls", model.Medium, conf, model.Text{
					EN: fmt.Sprintf("%s serves HTTP on %s without TLS%s.%s", v.Name, strings.Join(v.Ports, ", "), st.EN, notes),
					JA: fmt.Sprintf("%s は %s で TLS なしの HTTP を提供します%s。", v.Name, strings.Join(v.Ports, ", "), st.JA)}, v.Layer+v.Name, props, append(e, v.TLS.Evidence...)...))
			}
		case "snmp":
			if v.Auth != nil {
				for k, mode := range v.Auth.Settings {
					c := strings.TrimPrefix(k, "community ")
					if c == "public" || c == "private" {
						out = append(out, finding("snmp-default-community", model.High, conf, model.Text{
							EN: fmt.Sprintf("snmpd accepts the community %q (%s)%s.", c, mode, st.EN),
							JA: fmt.Sprintf("snmpd がコミュニティ名 %q（%s）を受け付けます%s。", c, mode, st.JA)}, v.Layer+c, props, append(e, v.Auth.Evidence...)...))
					}
				}
			}
		case "mqtt":
			if v.Auth != nil && !v.Auth.Required && v.Auth.Settings["allow_anonymous"] == "true" {
				out = append(out, finding("mqtt-anonymous", model.High, conf, model.Text{
					EN: "mosquitto has allow_anonymous true and no password file" + st.EN + ".",
					JA: "mosquitto は allow_anonymous true でパスワードファイルがありません" + st.JA + "。"}, v.Layer, props, append(e, v.Auth.Evidence...)...))
			}
		case "upnp":
			if v.Auth != nil && strings.EqualFold(v.Auth.Settings["secure_mode"], "no") {
				out = append(out, finding("upnp-insecure", model.Medium, conf, model.Text{
					EN: "miniupnpd runs with secure_mode off: any LAN client can map ports to any host" + st.EN + ".",
					JA: "miniupnpd が secure_mode 無効で動作し、LAN 内の任意のクライアントが任意のホストへポートを割り当てられます" + st.JA + "。"}, v.Layer, props, append(e, v.Auth.Evidence...)...))
			}
		case "debug", "adb":
			out = append(out, finding("debug-shell", model.Critical, conf, model.Text{
				EN: fmt.Sprintf("%s is started%s: %s", v.Name, st.EN, strings.Join(v.Starts[0].Command, " ")),
				JA: fmt.Sprintf("%s が起動されます%s: %s", v.Name, st.JA, strings.Join(v.Starts[0].Command, " "))}, v.Layer+v.Name, props, e...))
		}
	}
	for _, l := range s.logins {
		if l.Password || l.Kind == "network-console" {
			if (l.Kind == "getty" || l.Kind == "login") && rootWeakOK && rootWeak.Rule == "empty-password" && l.Serial {
				out = append(out, finding("console-login-no-password", model.High, model.ConfHigh, model.Text{
					EN: fmt.Sprintf("A login prompt runs on %s and root has no password: anyone at the serial console gets a root shell.", l.TTY),
					JA: fmt.Sprintf("%s でログインプロンプトが動作し、root にパスワードがないため、シリアルコンソールから誰でも root シェルを得られます。", l.TTY)},
					l.TTY, map[string]string{"tty": l.TTY, "account": "root"}, append([]model.Evidence{l.At}, evPaths(rootWeak.Paths)...)...))
			}
			continue
		}
		sev := model.Medium
		if l.Serial {
			sev = model.High
		}
		out = append(out, finding("root-shell-on-console", sev, model.ConfHigh, model.Text{
			EN: fmt.Sprintf("%s runs on %s without asking for a password (%s).", strings.Join(l.Command, " "), l.TTY, strings.Join(l.Notes, "; ")),
			JA: fmt.Sprintf("%s が %s でパスワードを求めずに実行されます。", strings.Join(l.Command, " "), l.TTY)},
			l.TTY, map[string]string{"tty": l.TTY, "kind": l.Kind}, l.At))
	}
	for _, u := range s.insecure {
		sev := model.High
		if u.rule == "weak-tls-config" {
			sev = model.Medium
		}
		out = append(out, finding(u.rule, sev, model.ConfMedium, model.Text{
			EN: u.what + ".", JA: u.what + "。"}, u.what, nil, u.at))
	}
	// One finding per file and kind of source, listing its URLs.
	type group struct {
		what, file string
		signed     bool
		urls       []string
		at         []model.Evidence
	}
	var groups []*group
	byKey := map[string]*group{}
	for _, u := range s.plainUpdates {
		k := u.what + "\x00" + u.at.Path
		g := byKey[k]
		if g == nil {
			g = &group{what: u.what, file: u.at.Path, signed: true}
			byKey[k] = g
			groups = append(groups, g)
		}
		g.signed = g.signed && u.signed
		g.urls = append(g.urls, u.url)
		g.at = append(g.at, u.at)
	}
	for _, g := range groups {
		sev, extraEN, extraJA := model.Medium, "", ""
		if g.signed {
			sev = model.Low
			extraEN, extraJA = " The payload is signature-checked, but the channel can be observed and blocked.", "ペイロードは署名検証されますが、通信は盗聴・妨害され得ます。"
		}
		urls := strings.Join(g.urls, ", ")
		out = append(out, finding("plaintext-update-url", sev, model.ConfMedium, model.Text{
			EN: fmt.Sprintf("%s uses a plaintext protocol: %s.%s", g.what, urls, extraEN),
			JA: fmt.Sprintf("%s が平文プロトコルを使用しています: %s。%s", g.what, urls, extraJA)}, g.what, map[string]string{"urls": urls}, g.at...))
	}
	for _, n := range s.noSig {
		out = append(out, finding("update-no-signature-check", model.High, model.ConfHigh, model.Text{
			EN: n.what + " skips signature verification.", JA: n.what + " は署名検証を行いません。"}, n.what, nil, n.at))
	}
	for _, f := range s.res.Updates {
		if f.Signal != Negative || !strings.HasPrefix(f.Evidence[0].Path, s.c.Layer+"/") {
			continue
		}
		switch f.Topic {
		case "opkg", "sysupgrade", "rauc":
			sev, conf := model.High, model.ConfHigh
			if f.Topic == "sysupgrade" {
				sev, conf = model.Medium, model.ConfMedium
			}
			out = append(out, finding("update-no-signature-check", sev, conf, model.Text{EN: f.Summary + ".", JA: updateJA[f.Topic]}, f.Topic, f.Props, f.Evidence...))
		}
	}
	return out
}

var updateJA = map[string]string{
	"opkg":       "opkg はパッケージフィードの署名を検証しません。",
	"sysupgrade": "sysupgrade はイメージのヘッダのみを確認し、署名を検証しません（fwtool なし）。",
	"rauc":       "RAUC のキーリングがなく、バンドルの署名を検証できません。",
}

func evPaths(paths []string) []model.Evidence {
	var out []model.Evidence
	for _, p := range paths {
		out = append(out, model.Evidence{Path: p, Offset: -1})
	}
	return out
}

// sshFindings: password logins, root logins and empty passwords, for
// dropbear (flags or UCI) and OpenSSH (sshd_config).
func (s *system) sshFindings(v *Service, e []model.Evidence, conf string, props map[string]string) []model.Finding {
	if v.Auth == nil {
		return nil
	}
	var out []model.Finding
	st := stateText(v)
	set := v.Auth.Settings
	all := append(append([]model.Evidence(nil), e...), v.Auth.Evidence...)
	rootWeak, rootWeakOK := s.weak("root")
	pw, rootPW := false, false
	if v.Name == "dropbear" {
		pw = set["password_auth"] == "on"
		rootPW = pw && set["root_password_auth"] == "on" && set["root_login"] == "on"
	} else {
		pw = !strings.EqualFold(set["PasswordAuthentication"], "no")
		prl := strings.ToLower(set["PermitRootLogin"])
		rootPW = pw && (prl == "yes")
		if strings.EqualFold(set["PermitEmptyPasswords"], "yes") && pw {
			sev := model.High
			if rootWeakOK && rootWeak.Rule == "empty-password" && rootPW {
				sev = model.Critical
			}
			out = append(out, finding("ssh-empty-passwords", sev, conf, model.Text{
				EN: "sshd has PermitEmptyPasswords yes" + st.EN + ".", JA: "sshd が PermitEmptyPasswords yes です" + st.JA + "。"}, v.Layer, props, all...))
		}
	}
	if pw {
		sev := model.Low
		extra := ""
		if rootWeakOK && rootPW {
			sev = model.High
			extra = " and root's password is " + map[string]string{"empty-password": "empty", "default-password": "a default one"}[rootWeak.Rule]
			if v.Name == "dropbear" && rootWeak.Rule == "empty-password" {
				extra += " (dropbear refuses blank passwords unless built with ALLOW_BLANK_PASSWORD)"
				sev = model.Medium
			}
		}
		out = append(out, finding("ssh-password-auth", sev, conf, model.Text{
			EN: fmt.Sprintf("%s accepts password logins on %s%s%s.", v.Name, strings.Join(v.Ports, ", "), st.EN, extra),
			JA: fmt.Sprintf("%s は %s でパスワードログインを受け付けます%s。", v.Name, strings.Join(v.Ports, ", "), st.JA)}, v.Layer+v.Name, props, all...))
	}
	if rootPW {
		out = append(out, finding("ssh-root-login", model.Low, conf, model.Text{
			EN: v.Name + " lets root log in with a password" + st.EN + ".", JA: v.Name + " は root のパスワードログインを許可します" + st.JA + "。"}, v.Layer+v.Name, props, all...))
	}
	return out
}

package secrets

import (
	"bytes"
	"crypto/dsa" //nolint:staticcheck
	"crypto/ecdsa"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/fwstar/fwstar/analyzer/model"
)

// certInfo is a certificate found in a file.
type certInfo struct {
	file *model.File
	off  int64
	cert *x509.Certificate
}

func (s *scan) addCert(f *model.File, off int64, c *x509.Certificate) {
	s.mu.Lock()
	s.certs = append(s.certs, &certInfo{file: f, off: off, cert: c})
	s.mu.Unlock()
}

func (s *scan) addKey(k *keyInfo) {
	s.mu.Lock()
	s.keys = append(s.keys, k)
	s.mu.Unlock()
}

// bundleGlobs are where distributions keep trusted CA certificates.
var bundleGlobs = []string{
	"**/ca-certificates.crt", "**/ca-bundle.crt", "**/ca-bundle.pem", "**/cacert.pem", "**/ca-root-nss.crt",
	"usr/share/ca-certificates/**", "etc/ssl/certs/**", "etc/pki/tls/certs/**", "etc/pki/ca-trust/**",
	"usr/lib/ssl/certs/**", "usr/local/share/ca-certificates/**",
}

var (
	critTLS = []string{"S1.1-12"}

	txtBundle = model.Text{EN: "Trusted CA certificate bundle", JA: "信頼された CA 証明書バンドル"}
	remBundle = model.Text{
		EN: "Keep the CA bundle updatable: trust stores age as CAs are added and distrusted.",
		JA: "CA バンドルを更新可能に保ってください。CA の追加や失効により信頼ストアは古くなります。",
	}
	txtExpired = model.Text{EN: "Certificate has expired", JA: "証明書の有効期限が切れています"}
	remExpired = model.Text{
		EN: "Replace the certificate; better, generate a per-device certificate at first boot or provision one at manufacturing, with renewal.",
		JA: "証明書を更新してください。初回起動時の機器ごとの生成、または製造時の設定と更新の仕組みを推奨します。",
	}
	txtNotYet = model.Text{EN: "Certificate is not yet valid", JA: "証明書はまだ有効期間前です"}
	txtSelf   = model.Text{EN: "Self-signed certificate in the image", JA: "イメージに自己署名証明書が含まれています"}
	remSelf   = model.Text{
		EN: "Clients cannot authenticate a self-signed certificate shared by all devices; generate a unique key and certificate per device, signed by a CA the clients trust.",
		JA: "全機器共通の自己署名証明書はクライアントが認証できません。機器ごとに固有の鍵と証明書を生成し、クライアントが信頼する CA で署名してください。",
	}
	txtWeakSig = model.Text{EN: "Certificate signed with a weak algorithm (MD5 or SHA-1)", JA: "証明書が弱い署名アルゴリズム（MD5 または SHA-1）で署名されています"}
	remWeakSig = model.Text{
		EN: "Reissue the certificate with SHA-256 or stronger.",
		JA: "SHA-256 以上の署名アルゴリズムで証明書を再発行してください。",
	}
	txtWeakKey = model.Text{EN: "Certificate has a weak public key", JA: "証明書の公開鍵が弱いです"}
	remWeakKey = model.Text{
		EN: "Use RSA of 2048 bits or more, or ECDSA P-256 or stronger.",
		JA: "2048 ビット以上の RSA、または P-256 以上の ECDSA を使用してください。",
	}
	txtKeyShipped = model.Text{EN: "Certificate's private key ships in the image", JA: "証明書の秘密鍵がイメージに含まれています"}
	remKeyShipped = model.Text{
		EN: "Anyone with the image can impersonate every device and decrypt its traffic. Generate the key on each device (first boot) or provision it per device into protected storage.",
		JA: "イメージを入手した者が全機器になりすまし、通信を復号できます。鍵は各機器で初回起動時に生成するか、機器ごとに保護された領域へ設定してください。",
	}
	txtKey = model.Text{EN: "Private key in the image", JA: "イメージに秘密鍵が含まれています"}
	remKey = model.Text{
		EN: "Do not ship private keys in firmware: every device shares them and anyone with the image holds them. Generate keys per device and keep them in protected storage.",
		JA: "ファームウェアに秘密鍵を含めないでください。全機器で共通となり、イメージを入手した誰もが保持できます。鍵は機器ごとに生成し、保護された領域に保存してください。",
	}
	txtKeyEnc = model.Text{EN: "Encrypted private key in the image", JA: "イメージに暗号化された秘密鍵が含まれています"}
	remKeyEnc = model.Text{
		EN: "The passphrase must be on the device too, so it protects little; generate keys per device instead.",
		JA: "パスフレーズも機器内にあるため保護効果は限定的です。鍵は機器ごとに生成してください。",
	}
	txtHostKey = model.Text{EN: "SSH host key shipped in the image", JA: "SSH ホスト鍵がイメージに含まれています"}
	remHostKey = model.Text{
		EN: "Every device shares this host key, so SSH sessions can be impersonated or decrypted. Delete it from the image and let the device generate its own at first boot.",
		JA: "全機器でホスト鍵が共通のため、SSH 通信のなりすましや復号が可能です。イメージから削除し、初回起動時に機器自身で生成させてください。",
	}
)

func isBundle(f *model.File) bool {
	return slices.ContainsFunc(bundleGlobs, func(g string) bool { return model.Match(g, f.Name()) })
}

// certFindings judges keys and certificates once every file is scanned, so
// a certificate can be paired with its private key wherever that lies.
func (s *scan) certFindings() {
	bundleFiles, bundleCerts := map[string]bool{}, 0
	keyBySPKI := map[string]*keyInfo{}
	for _, k := range s.keys {
		if k.spkiSHA != "" && keyBySPKI[k.spkiSHA] == nil {
			keyBySPKI[k.spkiSHA] = k
		}
	}
	// A file holding a library's published test key is that library's test
	// data (Mbed TLS compiles certs.c in): none of its keys or certificates
	// belongs to the device.
	testData := map[string]bool{}
	for _, k := range s.keys {
		if _, ok := s.rules.testKeys[k.spkiSHA]; ok {
			testData[k.file.Path] = true
		}
	}
	tlsKeys := map[*keyInfo]bool{}
	seen := map[string]bool{}
	for _, ci := range s.certs {
		if testData[ci.file.Path] {
			continue
		}
		if isBundle(ci.file) {
			bundleFiles[ci.file.Path] = true
			bundleCerts++
			continue
		}
		s.certificate(ci, keyBySPKI, tlsKeys, seen)
	}
	for _, k := range s.keys {
		if !testData[k.file.Path] {
			s.keyFinding(k, tlsKeys[k])
		}
	}
	if len(bundleFiles) > 0 {
		var evs []model.Evidence
		paths := make([]string, 0, len(bundleFiles))
		for p := range bundleFiles {
			paths = append(paths, p)
		}
		slices.Sort(paths)
		for _, p := range paths[:min(len(paths), maxEvidence)] {
			evs = append(evs, model.Evidence{Path: p, Offset: -1})
		}
		fd := finding("ca-bundle", model.KindSecret, model.Info, model.ConfHigh, critTLS, txtBundle, remBundle, "", evs...)
		fd.Props = map[string]string{"files": strconv.Itoa(len(bundleFiles)), "certificates": strconv.Itoa(bundleCerts)}
		fd.Detail = model.Text{
			EN: fmt.Sprintf("%d CA certificates in %d files; not judged one by one.", bundleCerts, len(bundleFiles)),
			JA: fmt.Sprintf("%d 個のファイルに %d 件の CA 証明書があります（個別には評価していません）。", len(bundleFiles), bundleCerts),
		}
		s.add(fd)
	}
}

func (s *scan) certificate(ci *certInfo, keyBySPKI map[string]*keyInfo, tlsKeys map[*keyInfo]bool, seen map[string]bool) {
	c := ci.cert
	sum := sha256.Sum256(c.Raw)
	fp := hex.EncodeToString(sum[:])
	ev := evidence(ci.file, ci.off, int64(len(c.Raw)), 0, "subject: "+c.Subject.String())
	key := fp
	if seen[ci.file.Path+fp] {
		return
	}
	seen[ci.file.Path+fp] = true
	props := map[string]string{
		"subject": c.Subject.String(), "issuer": c.Issuer.String(), "sha256": fp,
		"not_before": c.NotBefore.UTC().Format("2006-01-02T15:04:05Z"), "not_after": c.NotAfter.UTC().Format("2006-01-02T15:04:05Z"),
		"signature": c.SignatureAlgorithm.String(),
	}
	algo, bits := pubInfo(c.PublicKey)
	props["key"] = algo + "-" + strconv.Itoa(bits)
	// Go refuses to verify SHA-1 and MD5 signatures, the very ones we look
	// for, so self-signed is judged by names and key identifiers.
	selfSigned := bytes.Equal(c.RawSubject, c.RawIssuer) &&
		(len(c.AuthorityKeyId) == 0 || bytes.Equal(c.AuthorityKeyId, c.SubjectKeyId))
	props["self_signed"] = strconv.FormatBool(selfSigned)
	emit := func(rule string, sev model.Severity, title, remed model.Text, crit []string, extra ...model.Evidence) {
		fd := finding(rule, model.KindSecret, sev, model.ConfHigh, crit, title, remed, key, append([]model.Evidence{ev}, extra...)...)
		fd.Props = clone(props)
		s.add(fd)
	}
	switch now := s.opt.Now; {
	case now.After(c.NotAfter):
		emit("certificate-expired", model.Medium, txtExpired, remExpired, critTLS)
	case now.Before(c.NotBefore):
		emit("certificate-not-yet-valid", model.Low, txtNotYet, remExpired, critTLS)
	}
	props["ca"] = strconv.FormatBool(c.IsCA)
	if selfSigned {
		emit("certificate-self-signed", model.Low, txtSelf, remSelf, critTLS)
	}
	switch c.SignatureAlgorithm {
	case x509.MD2WithRSA, x509.MD5WithRSA, x509.SHA1WithRSA, x509.DSAWithSHA1, x509.ECDSAWithSHA1:
		sev := model.Medium
		if selfSigned {
			sev = model.Low // clients do not check a trust anchor's own signature
		}
		emit("certificate-weak-signature", sev, txtWeakSig, remWeakSig, critTLS)
	}
	if algo == "rsa" && bits < 2048 || algo == "dsa" && bits < 2048 || algo == "ecdsa" && bits < 224 {
		emit("certificate-weak-key", model.Medium, txtWeakKey, remWeakKey, critTLS)
	}
	if k := keyBySPKI[spkiSHA(c.PublicKey)]; k != nil {
		tlsKeys[k] = true
		emit("certificate-private-key-shipped", model.Critical, txtKeyShipped, remKeyShipped, []string{"S1.1-11", "S1.1-12"},
			evidence(k.file, k.off, k.n, 0, keyExcerpt(k)))
	}
}

func pubInfo(pub any) (string, int) {
	switch v := pub.(type) {
	case *rsa.PublicKey:
		return "rsa", v.N.BitLen()
	case *ecdsa.PublicKey:
		return "ecdsa", v.Curve.Params().BitSize
	case *dsa.PublicKey:
		return "dsa", v.P.BitLen()
	}
	return "ed25519", 256
}

func keyExcerpt(k *keyInfo) string {
	return fmt.Sprintf("%s %s key, %d bytes (redacted)", k.format, k.algo, k.n)
}

// tlsPath tells a key kept where TLS servers look for theirs.
func tlsPath(name string) bool {
	n := strings.ToLower(name)
	for _, w := range []string{"ssl", "tls", "https", "cert", "uhttpd", "lighttpd", "nginx", "stunnel", "server.key", "server.pem"} {
		if strings.Contains(n, w) {
			return true
		}
	}
	return false
}

func (s *scan) keyFinding(k *keyInfo, tls bool) {
	props := map[string]string{"format": k.format, "algorithm": k.algo, "encrypted": strconv.FormatBool(k.encrypted)}
	if k.bits > 0 {
		props["bits"] = strconv.Itoa(k.bits)
	}
	if k.spkiSHA != "" {
		props["fingerprint_sha256"] = k.spkiSHA
	}
	if k.sshFP != "" {
		props["ssh_fingerprint"] = k.sshFP
	}
	rule, sev, title, remed, crit := "private-key", model.High, txtKey, remKey, critS11
	name := k.file.Name()
	switch {
	case k.format == "dropbear" || strings.Contains(name, "ssh_host_") || strings.Contains(name, "dropbear"):
		rule, title, remed, crit = "ssh-host-key", txtHostKey, remHostKey, []string{"S1.1-11", "S1.1-12"}
	case k.encrypted:
		rule, sev, title, remed = "private-key-encrypted", model.Low, txtKeyEnc, remKeyEnc
	}
	if tls || tlsPath(name) {
		crit = []string{"S1.1-11", "S1.1-12"}
	}
	id := k.spkiSHA
	if id == "" {
		id = keyOf(string(k.raw))
	}
	fd := finding(rule, model.KindSecret, sev, model.ConfHigh, crit, title, remed, id, evidence(k.file, k.off, k.n, 0, keyExcerpt(k)))
	fd.Props, fd.Secret = props, string(k.raw)
	s.add(fd)
}

package secrets

import (
	"bytes"
	"crypto"
	"crypto/dsa" //nolint:staticcheck // DSA keys still ship in firmware; we only read them
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/hex"
	"encoding/pem"
	"fmt"
	"math/big"
	"strconv"
	"strings"

	"github.com/fwstar/fwstar/analyzer/model"
	"golang.org/x/crypto/ssh"
)

// keyInfo is a parsed private key.
type keyInfo struct {
	file      *model.File
	off, n    int64
	format    string // "pem-pkcs1", "pkcs8", "openssh", "der-pkcs8", "dropbear", "putty", "pgp"...
	algo      string // "rsa", "ecdsa", "dsa", "ed25519"
	bits      int
	encrypted bool
	pub       crypto.PublicKey // nil when encrypted and the format hides it
	spkiSHA   string           // SHA-256 of the SubjectPublicKeyInfo DER, hex
	sshFP     string           // OpenSSH "SHA256:..." fingerprint
	raw       []byte           // the encoded key, for Finding.Secret
}

const maxPEM = 1 << 20

var beginMark = []byte("-----BEGIN ")

// keysIn runs every key and certificate scanner over a file.
func (s *scan) keysIn(f *model.File, b []byte) {
	s.keysAt(f, b, 0)
	if isBinary(b) && isCertFile(f) {
		if c, err := x509.ParseCertificate(b); err == nil {
			s.addCert(f, 0, c)
		}
	}
}

// keysAt scans b, which lies at offset base of f, for private keys.
func (s *scan) keysAt(f *model.File, b []byte, base int64) {
	if bytes.Contains(b, beginMark) {
		s.pemBlocks(f, b, base)
	}
	if base == 0 && bytes.HasPrefix(b, []byte("PuTTY-User-Key-File-")) {
		s.putty(f, b)
	}
	s.dropbear(f, b, base)
	if isBinary(b) {
		s.derKeys(f, b, base)
	}
}

func isCertFile(f *model.File) bool {
	n := strings.ToLower(f.Base())
	return strings.HasSuffix(n, ".der") || strings.HasSuffix(n, ".cer") || strings.HasSuffix(n, ".crt")
}

// pemBlocks decodes each BEGIN/END pair. A BEGIN marker without a matching
// END and valid base64 in between is a string in a program, not a key.
func (s *scan) pemBlocks(f *model.File, b []byte, base int64) {
	pos := 0
	for {
		i := bytes.Index(b[pos:], beginMark)
		if i < 0 {
			return
		}
		start := pos + i
		pos = start + len(beginMark)
		eol := bytes.IndexByte(b[pos:min(len(b), pos+80)], '\n')
		if eol < 0 {
			continue
		}
		head := strings.TrimRight(string(b[pos:pos+eol]), "\r")
		label, ok := strings.CutSuffix(head, "-----")
		if !ok || label == "" {
			continue
		}
		endMark := []byte("-----END " + label + "-----")
		j := bytes.Index(b[pos:min(len(b), pos+maxPEM)], endMark)
		if j < 0 {
			continue
		}
		end := pos + j + len(endMark)
		block, _ := pem.Decode(b[start:end])
		if block == nil || len(block.Bytes) == 0 {
			continue
		}
		pos = end
		s.pemBlock(f, base+int64(start), int64(end-start), label, block, b[start:end])
	}
}

func (s *scan) pemBlock(f *model.File, off, n int64, label string, block *pem.Block, raw []byte) {
	k := &keyInfo{file: f, off: off, n: n, raw: raw}
	encrypted := strings.Contains(block.Headers["Proc-Type"], "ENCRYPTED")
	var err error
	switch label {
	case "CERTIFICATE", "X509 CERTIFICATE", "TRUSTED CERTIFICATE":
		var c *x509.Certificate
		if c, err = x509.ParseCertificate(firstElement(block.Bytes)); err == nil {
			s.addCert(f, off, c)
		}
		return
	case "RSA PRIVATE KEY", "EC PRIVATE KEY", "DSA PRIVATE KEY":
		k.format = "pem-" + strings.ToLower(strings.Fields(label)[0])
		k.algo = map[string]string{"RSA": "rsa", "EC": "ecdsa", "DSA": "dsa"}[strings.Fields(label)[0]]
		if encrypted {
			// Legacy OpenSSL encryption hides everything; the DEK-Info header
			// and a block of cipher-sized length are what we can check.
			if block.Headers["DEK-Info"] == "" || len(block.Bytes)%8 != 0 {
				return
			}
			k.encrypted = true
			break
		}
		var key any
		switch k.algo {
		case "rsa":
			key, err = x509.ParsePKCS1PrivateKey(block.Bytes)
		case "ecdsa":
			key, err = x509.ParseECPrivateKey(block.Bytes)
		case "dsa":
			key, err = parseDSA(block.Bytes)
		}
		if err != nil || k.setKey(key) != nil {
			return
		}
	case "PRIVATE KEY":
		k.format = "pkcs8"
		key, err := x509.ParsePKCS8PrivateKey(block.Bytes)
		if err != nil || k.setKey(key) != nil {
			return
		}
	case "ENCRYPTED PRIVATE KEY":
		var epki struct {
			Algo pkix.AlgorithmIdentifier
			Data []byte
		}
		if rest, err := asn1.Unmarshal(block.Bytes, &epki); err != nil || len(rest) != 0 || len(epki.Data) < 16 {
			return
		}
		k.format, k.algo, k.encrypted = "pkcs8-encrypted", "unknown", true
	case "OPENSSH PRIVATE KEY":
		k.format = "openssh"
		key, err := ssh.ParseRawPrivateKey(pem.EncodeToMemory(block))
		var missing *ssh.PassphraseMissingError
		switch {
		case err == nil:
			if k.setKey(key) != nil {
				return
			}
		case asErr(err, &missing) && missing.PublicKey != nil:
			k.encrypted = true
			if ck, ok := missing.PublicKey.(ssh.CryptoPublicKey); ok {
				k.setPub(ck.CryptoPublicKey())
			}
		default:
			return
		}
	case "PGP PRIVATE KEY BLOCK":
		if !s.pgp(k) {
			return
		}
	default:
		return
	}
	s.addKey(k)
}

// firstElement cuts the first DER element off b (a TRUSTED CERTIFICATE
// carries trust settings after the certificate).
func firstElement(b []byte) []byte {
	var v asn1.RawValue
	rest, err := asn1.Unmarshal(b, &v)
	if err != nil {
		return b
	}
	return b[:len(b)-len(rest)]
}

// parseDSA reads OpenSSL's DSA private key: SEQUENCE {version, p, q, g, y, x}
// and checks y = g^x mod p.
func parseDSA(der []byte) (*dsa.PrivateKey, error) {
	var k struct {
		Version       int
		P, Q, G, Y, X *big.Int
	}
	rest, err := asn1.Unmarshal(der, &k)
	if err != nil || len(rest) != 0 {
		return nil, fmt.Errorf("dsa: bad encoding")
	}
	if k.P.Sign() <= 0 || k.P.BitLen() > 4096 || k.Q.Sign() <= 0 || k.G.Sign() <= 0 || k.X.Sign() <= 0 ||
		new(big.Int).Exp(k.G, k.X, k.P).Cmp(k.Y) != 0 {
		return nil, fmt.Errorf("dsa: inconsistent key")
	}
	return &dsa.PrivateKey{PublicKey: dsa.PublicKey{Parameters: dsa.Parameters{P: k.P, Q: k.Q, G: k.G}, Y: k.Y}, X: k.X}, nil
}

// setKey fills the algorithm, size and fingerprints from a parsed key.
func (k *keyInfo) setKey(key any) error {
	switch v := key.(type) {
	case *rsa.PrivateKey:
		k.setPub(&v.PublicKey)
	case *ecdsa.PrivateKey:
		k.setPub(&v.PublicKey)
	case *dsa.PrivateKey:
		k.setPub(&v.PublicKey)
	case ed25519.PrivateKey:
		k.setPub(v.Public())
	case *ed25519.PrivateKey:
		k.setPub(v.Public())
	default:
		return fmt.Errorf("unsupported key %T", key)
	}
	return nil
}

func (k *keyInfo) setPub(pub crypto.PublicKey) {
	k.pub = pub
	switch v := pub.(type) {
	case *rsa.PublicKey:
		k.algo, k.bits = "rsa", v.N.BitLen()
	case *ecdsa.PublicKey:
		k.algo, k.bits = "ecdsa", v.Curve.Params().BitSize
	case *dsa.PublicKey:
		k.algo, k.bits = "dsa", v.P.BitLen()
	case ed25519.PublicKey:
		k.algo, k.bits = "ed25519", 256
	}
	k.spkiSHA = spkiSHA(pub)
	if sp, err := ssh.NewPublicKey(pub); err == nil {
		k.sshFP = ssh.FingerprintSHA256(sp)
	}
}

// spkiSHA is the SHA-256 of a public key's SubjectPublicKeyInfo, the form
// `openssl pkey -pubout -outform DER | sha256sum` prints. DSA, which x509
// no longer marshals, is hashed over its SSH wire form instead.
func spkiSHA(pub crypto.PublicKey) string {
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		sp, err := ssh.NewPublicKey(pub)
		if err != nil {
			return ""
		}
		der = sp.Marshal()
	}
	h := sha256.Sum256(der)
	return hex.EncodeToString(h[:])
}

func asErr(err error, target **ssh.PassphraseMissingError) bool {
	e, ok := err.(*ssh.PassphraseMissingError)
	if ok {
		*target = e
	}
	return ok
}

// derKeys finds DER private keys inside binaries and unknown data by their
// ASN.1 shape; the standard parsers then validate the whole structure (an RSA
// key must satisfy n = p·q), so a shape alone is never reported.
func (s *scan) derKeys(f *model.File, b []byte, base int64) {
	for i := 0; i+8 < len(b); i++ {
		if b[i] != 0x30 {
			continue
		}
		hdr, body := derLen(b[i:])
		if hdr == 0 || body < 64 || body > 16384 || i+hdr+body > len(b) {
			continue
		}
		inner := b[i+hdr:]
		var k *keyInfo
		der := b[i : i+hdr+body]
		switch {
		case inner[0] == 2 && inner[1] == 1 && inner[2] == 0 && inner[3] == 2: // RSA PKCS#1: version 0, INTEGER n
			if key, err := x509.ParsePKCS1PrivateKey(der); err == nil {
				k = &keyInfo{format: "der-pkcs1"}
				k.setKey(key)
			}
		case inner[0] == 2 && inner[1] == 1 && inner[2] == 0 && inner[3] == 0x30: // PKCS#8: version 0, AlgorithmIdentifier
			if key, err := x509.ParsePKCS8PrivateKey(der); err == nil {
				k = &keyInfo{format: "der-pkcs8"}
				if k.setKey(key) != nil {
					k = nil
				}
			}
		case inner[0] == 2 && inner[1] == 1 && inner[2] == 1 && inner[3] == 4: // SEC 1 EC: version 1, OCTET STRING d
			if key, err := x509.ParseECPrivateKey(der); err == nil {
				k = &keyInfo{format: "der-sec1"}
				k.setKey(key)
			}
		}
		if k == nil {
			continue
		}
		k.file, k.off, k.n = f, base+int64(i), int64(len(der))
		k.raw = pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY (DER at 0x" + strconv.FormatInt(k.off, 16) + ")", Bytes: der})
		s.addKey(k)
		i += len(der) - 1
	}
}

// derLen reads a DER length after the tag byte: header size and body size,
// (0, 0) when malformed. Long forms of one and two bytes only: keys are small.
func derLen(b []byte) (hdr, body int) {
	if len(b) < 4 {
		return 0, 0
	}
	switch l := b[1]; {
	case l < 0x80:
		return 2, int(l)
	case l == 0x81 && b[2] >= 0x80:
		return 3, int(b[2])
	case l == 0x82 && b[2] != 0:
		return 4, int(b[2])<<8 | int(b[3])
	}
	return 0, 0
}

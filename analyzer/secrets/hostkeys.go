package secrets

import (
	"bytes"
	"crypto/dsa" //nolint:staticcheck // reading shipped DSA host keys
	"crypto/ecdh"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rsa"
	"encoding/base64"
	"encoding/binary"
	"math/big"
	"strconv"
	"strings"

	"github.com/ProtonMail/go-crypto/openpgp" // x/crypto/openpgp is gone; this is its maintained fork
	"github.com/ProtonMail/go-crypto/openpgp/packet"
	"github.com/fwstar/fwstar/analyzer/model"
	"golang.org/x/crypto/ssh"
)

// Dropbear stores host keys as SSH wire data: the key type as a string, then
// the public and private numbers (dropbear's signkey.c and dropbearkey(1)).
// These markers begin such a file; a match is kept only when the private
// numbers agree with the public ones.
var dropbearMagics = [][]byte{
	[]byte("\x00\x00\x00\x07ssh-rsa"),
	[]byte("\x00\x00\x00\x07ssh-dss"),
	[]byte("\x00\x00\x00\x13ecdsa-sha2-nistp"),
	[]byte("\x00\x00\x00\x0bssh-ed25519"),
}

// wire reads SSH wire strings and mpints with bounds checks.
type wire struct {
	b  []byte
	ok bool
}

func (w *wire) str() []byte {
	if !w.ok || len(w.b) < 4 {
		w.ok = false
		return nil
	}
	n := binary.BigEndian.Uint32(w.b)
	if n > 8192 || int(n) > len(w.b)-4 {
		w.ok = false
		return nil
	}
	s := w.b[4 : 4+n]
	w.b = w.b[4+n:]
	return s
}

func (w *wire) mpint() *big.Int {
	s := w.str()
	if len(s) > 0 && s[0]&0x80 != 0 {
		w.ok = false // negative: never in a key
	}
	return new(big.Int).SetBytes(s)
}

func (s *scan) dropbear(f *model.File, b []byte, base int64) {
	for _, m := range dropbearMagics {
		for pos := 0; ; {
			i := bytes.Index(b[pos:], m)
			if i < 0 {
				break
			}
			at := pos + i
			pos = at + 1
			k, n := parseDropbear(b[at:])
			if k == nil {
				continue
			}
			k.file, k.off, k.n, k.format = f, base+int64(at), int64(n), "dropbear"
			k.raw = []byte(base64.StdEncoding.EncodeToString(b[at : at+n]))
			s.addKey(k)
			pos = at + n
		}
	}
}

// parseDropbear reads one key and returns it with its encoded length.
func parseDropbear(b []byte) (*keyInfo, int) {
	w := &wire{b: b, ok: true}
	typ := string(w.str())
	k := &keyInfo{}
	switch {
	case typ == "ssh-rsa":
		e, n, d, p, q := w.mpint(), w.mpint(), w.mpint(), w.mpint(), w.mpint()
		if !w.ok || !e.IsInt64() || n.BitLen() < 256 || d.Sign() <= 0 || new(big.Int).Mul(p, q).Cmp(n) != 0 {
			return nil, 0
		}
		k.setPub(&rsa.PublicKey{N: n, E: int(e.Int64())})
	case typ == "ssh-dss":
		p, q, g, y, x := w.mpint(), w.mpint(), w.mpint(), w.mpint(), w.mpint()
		if !w.ok || p.BitLen() < 256 || p.BitLen() > 4096 || x.Sign() <= 0 || new(big.Int).Exp(g, x, p).Cmp(y) != 0 {
			return nil, 0
		}
		k.setPub(&dsa.PublicKey{Parameters: dsa.Parameters{P: p, Q: q, G: g}, Y: y})
	case strings.HasPrefix(typ, "ecdsa-sha2-nistp"):
		curve := string(w.str())
		q, d := w.str(), w.str()
		if !w.ok || "ecdsa-sha2-"+curve != typ {
			return nil, 0
		}
		var c ecdh.Curve
		var ec elliptic.Curve
		switch curve {
		case "nistp256":
			c, ec = ecdh.P256(), elliptic.P256()
		case "nistp384":
			c, ec = ecdh.P384(), elliptic.P384()
		case "nistp521":
			c, ec = ecdh.P521(), elliptic.P521()
		default:
			return nil, 0
		}
		size := (ec.Params().BitSize + 7) / 8
		d = bytes.TrimLeft(d, "\x00")
		if len(d) > size {
			return nil, 0
		}
		priv, err := c.NewPrivateKey(append(make([]byte, size-len(d)), d...))
		if err != nil || !bytes.Equal(priv.PublicKey().Bytes(), q) {
			return nil, 0
		}
		pub, err := ecdsa.ParseUncompressedPublicKey(ec, q)
		if err != nil {
			return nil, 0
		}
		k.setPub(pub)
	case typ == "ssh-ed25519":
		// dropbear writes the 32-byte seed and public key as one 64-byte string.
		sk := w.str()
		if !w.ok || len(sk) != ed25519.PrivateKeySize {
			return nil, 0
		}
		priv := ed25519.NewKeyFromSeed(sk[:32])
		if !bytes.Equal(priv.Public().(ed25519.PublicKey), sk[32:]) {
			return nil, 0
		}
		k.setPub(priv.Public())
	default:
		return nil, 0
	}
	return k, len(b) - len(w.b)
}

// putty reads a PuTTY .ppk: its public blob is SSH wire data; "Encryption:
// none" means the private half is in clear.
func (s *scan) putty(f *model.File, b []byte) {
	var enc string
	var pub []byte
	ls := strings.Split(strings.ReplaceAll(string(b[:min(len(b), 64<<10)]), "\r", ""), "\n")
	for i := 0; i < len(ls); i++ {
		key, val, _ := strings.Cut(ls[i], ": ")
		switch key {
		case "Encryption":
			enc = val
		case "Public-Lines":
			n, err := strconv.Atoi(val)
			if err != nil || n < 1 || n > 64 || i+n >= len(ls) {
				return
			}
			pub, err = base64.StdEncoding.DecodeString(strings.Join(ls[i+1:i+1+n], ""))
			if err != nil {
				return
			}
			i += n
		}
	}
	sp, err := ssh.ParsePublicKey(pub)
	if err != nil || enc == "" {
		return
	}
	k := &keyInfo{file: f, off: 0, n: int64(len(b)), format: "putty", encrypted: enc != "none", raw: b}
	if ck, ok := sp.(ssh.CryptoPublicKey); ok {
		k.setPub(ck.CryptoPublicKey())
	}
	s.addKey(k)
}

// pgp reads an armored secret key block.
func (s *scan) pgp(k *keyInfo) bool {
	ents, err := openpgp.ReadArmoredKeyRing(bytes.NewReader(k.raw))
	if err != nil || len(ents) == 0 || ents[0].PrivateKey == nil {
		return false
	}
	pk := ents[0].PrivateKey
	k.format, k.encrypted = "pgp", pk.Encrypted
	if pk.PublicKey.PublicKey != nil {
		k.setPub(pk.PublicKey.PublicKey)
	}
	if bl, err := pk.PublicKey.BitLength(); err == nil {
		k.bits = int(bl)
	}
	if k.algo == "" {
		k.algo = pgpAlgo(pk.PubKeyAlgo)
	}
	k.sshFP = "PGP:" + strings.ToUpper(hexString(pk.PublicKey.Fingerprint[:]))
	return true
}

func pgpAlgo(a packet.PublicKeyAlgorithm) string {
	switch a {
	case packet.PubKeyAlgoRSA, packet.PubKeyAlgoRSASignOnly, packet.PubKeyAlgoRSAEncryptOnly:
		return "rsa"
	case packet.PubKeyAlgoDSA:
		return "dsa"
	case packet.PubKeyAlgoECDSA:
		return "ecdsa"
	case packet.PubKeyAlgoElGamal:
		return "elgamal"
	}
	return "pgp-" + strconv.Itoa(int(a))
}

func hexString(b []byte) string {
	const digits = "0123456789abcdef"
	out := make([]byte, 0, 2*len(b))
	for _, c := range b {
		out = append(out, digits[c>>4], digits[c&15])
	}
	return string(out)
}

package fwheader

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"io"
	"strconv"

	"github.com/fwstar/fwstar/extractors"
)

// Buffalo encrypted image (OpenWrt firmware-utils buffalo-enc.c, buffalo-lib.c):
//
//	magic[6] ("start\0" or "asar1\0")  seed[1]
//	BE product length (<= 32, with the NUL)  product, encrypted
//	BE version length (<= 8, with the NUL)   version, encrypted
//	BE data length  data, encrypted  BE checksum of the plain data
//	padding to the next multiple of 4 (always at least one byte)
//
// The cipher is RC4 with a variable state length, keyed by one seed byte and
// the key "Buffalo" (the only key known to ship). Each field is keyed anew,
// its seed chained: the product with the header's seed, the version with the
// first encrypted product byte, the data with the first encrypted version
// byte. The state is 256 bytes, or as long as the field with the writer's
// "longstate" option; Identify tells which from whether product and version
// decrypt to NUL-terminated text. The checksum is a CRC-32 loop (buffalo_csum)
// seeded with the data length over sign-extended bytes.
//
// The payload must be decrypted, so Extract writes it as a blob.
const (
	buffaloKey        = "Buffalo"
	buffaloMaxLongRC4 = 64 << 20 // longstate keeps a state as long as the data
)

type buffaloEnc struct {
	Magic            string
	Product, Version string
	Long             bool  // the longstate variant
	Data             int64 // data offset from the chunk start
	DataLen          int64
	DataSeed         byte
	End              int64 // chunk length with the checksum and padding
	Known            bool  // the product decrypted to text with the known key
}

// rc4 is buffalo-lib's bcrypt: RC4 whose state length n need not be 256. Its
// i and j are bytes in the C code, so they wrap at 256 even when n is larger.
type rc4 struct {
	s    []byte
	i, j uint8
}

func newRC4(seed byte, n int) *rc4 {
	key := append([]byte{seed}, buffaloKey...)
	s := make([]byte, n)
	for i := range s {
		s[i] = byte(i)
	}
	k := 0
	for i := range s {
		k = (k + int(key[i%len(key)]) + int(s[i])) % n
		s[i], s[k] = s[k], s[i]
	}
	return &rc4{s: s}
}

func (c *rc4) xor(dst, src []byte) {
	s, i, j := c.s, c.i, c.j
	if len(s) == 256 {
		s := (*[256]byte)(s)
		for k, b := range src {
			i++
			j += s[i]
			s[i], s[j] = s[j], s[i]
			dst[k] = b ^ s[s[i]+s[j]]
		}
	} else {
		n := len(s)
		for k, b := range src {
			i = uint8((int(i) + 1) % n)
			j = uint8((int(j) + int(s[i])) % n)
			s[i], s[j] = s[j], s[i]
			dst[k] = b ^ s[(int(s[i])+int(s[j]))%n]
		}
	}
	c.i, c.j = i, j
}

// decryptField decrypts a short header field with the given state mode.
func decryptField(seed byte, enc []byte, long bool) []byte {
	n := 256
	if long {
		n = len(enc)
	}
	out := make([]byte, len(enc))
	newRC4(seed, n).xor(out, enc)
	return out
}

// buffaloCsum continues buffalo_csum: the C code XORs each byte as a signed
// char, so bytes from 0x80 also flip the upper 24 bits.
func buffaloCsum(c uint32, p []byte) uint32 {
	t := crc32.IEEETable
	for _, b := range p {
		c ^= uint32(int32(int8(b)))
		c = c>>8 ^ t[byte(c)]
	}
	return c
}

func parseBuffaloEnc(r io.ReaderAt, off, size int64) (buffaloEnc, error) {
	// The header is at most 6+1+4+32+4+8+4 bytes.
	b, err := extractors.ReadAt(r, off, int(min(59, size-off)), size)
	if err != nil || len(b) < 6+1+4+2+4+2+4 {
		return buffaloEnc{}, fmt.Errorf("short header")
	}
	e := buffaloEnc{Magic: cstr(b[:6])}
	if e.Magic != "start" && e.Magic != "asar1" || b[5] != 0 {
		return e, fmt.Errorf("magic")
	}
	be := binary.BigEndian
	seed := b[6]
	pl := int(be.Uint32(b[7:]))
	if pl < 1 || pl > 32 || 11+pl+4 > len(b) {
		return e, fmt.Errorf("product length %d", pl)
	}
	prod := b[11 : 11+pl]
	vo := 11 + pl
	vl := int(be.Uint32(b[vo:]))
	if vl < 1 || vl > 8 || vo+4+vl+4 > len(b) {
		return e, fmt.Errorf("version length %d", vl)
	}
	ver := b[vo+4 : vo+4+vl]
	e.Data = int64(vo + 4 + vl + 4)
	e.DataLen = int64(be.Uint32(b[vo+4+vl:]))
	e.DataSeed = ver[0]
	// The mode is the one under which product and version read as text,
	// each NUL-terminated where its length says.
	for _, long := range []bool{false, true} {
		p, v := decryptField(seed, prod, long), decryptField(prod[0], ver, long)
		if isCString(p) && isCString(v) {
			e.Product, e.Version, e.Long, e.Known = cstr(p), cstr(v), long, true
			break
		}
	}
	full := e.Data + e.DataLen + 4
	e.End = min(full+4-full%4, size-off)
	return e, nil
}

// isCString reports whether b is printable text ending in its only NUL.
func isCString(b []byte) bool {
	n := len(b) - 1
	return n >= 1 && b[n] == 0 && bytes.IndexByte(b[:n], 0) < 0 && printable(b)
}

// BuffaloEnc handles Buffalo's encrypted firmware images.
type BuffaloEnc struct{}

func (BuffaloEnc) Name() string { return "buffalo-enc" }

func (BuffaloEnc) Magics() []extractors.Magic {
	return []extractors.Magic{{Bytes: []byte("start\x00")}, {Bytes: []byte("asar1\x00")}}
}

func (BuffaloEnc) Identify(r io.ReaderAt, off, size int64) (extractors.Chunk, error) {
	e, err := parseBuffaloEnc(r, off, size)
	if err != nil {
		return extractors.Chunk{}, extractors.NotFormat("buffalo-enc", err.Error())
	}
	if !e.Known {
		// "start\0" is a common word: without a readable product this is not
		// an image we could open anyway.
		return extractors.Chunk{}, extractors.NotFormat("buffalo-enc", "product does not decrypt to a name with the known key")
	}
	state := "256"
	if e.Long {
		state = "long"
	}
	c := extractors.Chunk{Start: off, End: off + e.End, Confidence: extractors.High,
		Info: fmt.Sprintf("Buffalo encrypted image, %s %s, %d bytes", e.Product, e.Version, e.DataLen),
		Attrs: map[string]string{"buffalo.magic": e.Magic, "buffalo.product": e.Product, "buffalo.version": e.Version,
			"buffalo.data_len": strconv.FormatInt(e.DataLen, 10), "buffalo.state": state}}
	if e.Data+e.DataLen+4 > size-off {
		c.Attrs["buffalo.truncated"] = fmt.Sprintf("%d of %d bytes present", size-off, e.Data+e.DataLen+4)
	}
	return c, nil
}

// Extract decrypts the data into a blob in one streaming pass and checks the
// checksum on the way. A truncated image yields what is present and an error.
func (BuffaloEnc) Extract(ctx context.Context, r io.ReaderAt, c extractors.Chunk, dst extractors.Sink) (int64, error) {
	e, err := parseBuffaloEnc(r, c.Start, c.End)
	if err != nil || !e.Known {
		return c.Start, extractors.Errorf("buffalo-enc", c.Start, "header: %v", err)
	}
	avail := min(e.DataLen, c.End-c.Start-e.Data)
	n := 256
	if e.Long {
		// The state is as long as the data the header claims: only build
		// it for data that is all there.
		if e.DataLen > buffaloMaxLongRC4 || e.DataLen > avail {
			return c.End, extractors.Errorf("buffalo-enc", c.End, "longstate data of %d bytes, %d present", e.DataLen, avail)
		}
		n = int(max(e.DataLen, 1))
	}
	ciph := newRC4(e.DataSeed, n)
	csum := uint32(e.DataLen)
	pr, pw := io.Pipe()
	done := make(chan struct{})
	go func() {
		defer close(done)
		buf := make([]byte, min(256<<10, avail))
		var err error
		for pos := int64(0); pos < avail && err == nil; {
			if err = ctx.Err(); err != nil {
				break
			}
			b := buf[:min(int64(len(buf)), avail-pos)]
			if _, err = r.ReadAt(b, c.Start+e.Data+pos); err != nil {
				err = extractors.Wrap("buffalo-enc", c.Start+e.Data+pos, err, "data")
				break
			}
			ciph.xor(b, b)
			csum = buffaloCsum(csum, b)
			pos += int64(len(b))
			_, err = pw.Write(b)
		}
		pw.CloseWithError(err)
	}()
	err = dst.Blob("decrypted", pr)
	pr.CloseWithError(io.ErrClosedPipe)
	<-done
	if err != nil {
		return c.End, err
	}
	if avail < e.DataLen {
		dst.Note("buffalo.checksum", "unchecked: image truncated")
		return c.End, extractors.Errorf("buffalo-enc", c.End, "truncated: %d of %d data bytes", avail, e.DataLen)
	}
	sb, err := extractors.ReadAt(r, c.Start+e.Data+e.DataLen, 4, c.End)
	if err != nil {
		dst.Note("buffalo.checksum", "unchecked: image truncated")
		return c.End, extractors.Errorf("buffalo-enc", c.End, "truncated before the checksum")
	}
	stored := binary.BigEndian.Uint32(sb)
	dst.Note("buffalo.checksum", checkNote(csum == stored, hexAttr(stored), hexAttr(csum)))
	return c.End, nil
}

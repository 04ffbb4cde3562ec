package uefi

import (
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/fwstar/fwstar/extractors"
)

// The FMP capsule body (UEFI spec, 23.3, MdePkg Guid/FmpCapsule.h):
// EFI_FIRMWARE_MANAGEMENT_CAPSULE_HEADER {Version, EmbeddedDriverCount,
// PayloadItemCount, ItemOffsetList[]}, offsets from that header, first the
// drivers, then each payload's EFI_FIRMWARE_MANAGEMENT_CAPSULE_IMAGE_HEADER
// followed by UpdateImageSize bytes of image and UpdateVendorCodeSize bytes
// of vendor code. edk2's FmpDxe image is, in order: an optional
// EFI_FIRMWARE_IMAGE_AUTHENTICATION, an optional EFI_FIRMWARE_IMAGE_DEP, an
// FMP_PAYLOAD_HEADER ("MSS1"), then the firmware itself.
const (
	fmpHeader   = 8
	fmpMaxItems = 64 // real capsules carry one or two

	fmpSupportAuth = 0x1 // CAPSULE_SUPPORT_AUTHENTICATION
	fmpSupportDep  = 0x2 // CAPSULE_SUPPORT_DEPENDENCY

	winCertRevision = 0x0200
	winCertTypeGUID = 0x0EF1 // WIN_CERT_TYPE_EFI_GUID
	winCertHeader   = 24     // WIN_CERTIFICATE_UEFI_GUID up to CertData

	fmpPayloadSig = "MSS1"
	maxDepex      = 4096
)

var (
	guidCertPKCS7  = mustGUID("4AAFD29D-68DF-49EE-8AA9-347D375665A7") // EFI_CERT_TYPE_PKCS7_GUID
	guidCertRSA256 = mustGUID("A7717414-C616-4977-9420-844712A735BF") // EFI_CERT_TYPE_RSA2048_SHA256_GUID
)

type span struct{ Off, Len int64 }

type fmpCapsule struct {
	Version uint32
	Drivers int
	Items   []int64 // absolute offsets, drivers first
	Images  []*fmpImage
	Driver  []span
}

type fmpImage struct {
	Off        int64 // the image header
	Err        error // the header or its contents did not parse
	Version    uint32
	TypeID     GUID
	Index      uint8
	Size       uint32 // UpdateImageSize
	VendorSize uint32
	HWInstance uint64 // version 2 on
	Support    uint64 // version 3 on
	Data       int64  // where the image starts

	Auth       string // "pkcs7", "rsa2048-sha256" or the cert type GUID; "" unsigned
	Monotonic  uint64
	Cert       span // CertData
	Depex      string
	HasPayload bool // an FMP_PAYLOAD_HEADER was found
	FwVersion  uint32
	LowestVer  uint32
	Payload    span // the firmware itself
}

// readFMP parses the FMP header at base and the item headers of a capsule
// that ends at limit; the blob may end earlier, at end, and an item cut
// there gets an Err.
func readFMP(r io.ReaderAt, base, limit, end int64) (*fmpCapsule, error) {
	le := binary.LittleEndian
	b, err := extractors.ReadAt(r, base, fmpHeader, end)
	if err != nil {
		return nil, fmt.Errorf("FMP header truncated")
	}
	f := &fmpCapsule{Version: le.Uint32(b), Drivers: int(le.Uint16(b[4:]))}
	n := f.Drivers + int(le.Uint16(b[6:]))
	if f.Version != 1 {
		return nil, fmt.Errorf("FMP capsule header version %d", f.Version)
	}
	if n == 0 || n > fmpMaxItems {
		return nil, fmt.Errorf("%d FMP items", n)
	}
	list, err := extractors.ReadAt(r, base+fmpHeader, 8*n, end)
	if err != nil {
		return nil, fmt.Errorf("FMP item list truncated")
	}
	prev := int64(fmpHeader + 8*n - 1)
	for i := range n {
		o := le.Uint64(list[8*i:])
		// Items lie in order after the list, so each offset moves forward.
		if o <= uint64(prev) || o >= uint64(limit-base) {
			return nil, fmt.Errorf("FMP item %d at offset %d", i, o)
		}
		prev = int64(o)
		f.Items = append(f.Items, base+int64(o))
	}
	for i := range f.Drivers {
		next := limit
		if i+1 < n {
			next = f.Items[i+1]
		}
		f.Driver = append(f.Driver, span{f.Items[i], next - f.Items[i]})
	}
	for _, off := range f.Items[f.Drivers:] {
		f.Images = append(f.Images, readFMPImage(r, off, limit, end))
	}
	return f, nil
}

func readFMPImage(r io.ReaderAt, off, limit, end int64) *fmpImage {
	le := binary.LittleEndian
	im := &fmpImage{Off: off}
	b, err := extractors.ReadAt(r, off, 48, end)
	if err != nil {
		b, err = extractors.ReadAt(r, off, 32, end)
	}
	if err != nil {
		im.Err = fmt.Errorf("image header truncated")
		return im
	}
	im.Version, im.TypeID, im.Index = le.Uint32(b), guidAt(b[4:]), b[20]
	im.Size, im.VendorSize = le.Uint32(b[24:]), le.Uint32(b[28:])
	hdr := map[uint32]int64{1: 32, 2: 40, 3: 48}[im.Version]
	if hdr == 0 || hdr > int64(len(b)) {
		im.Err = fmt.Errorf("image header version %d, %d bytes present", im.Version, len(b))
		return im
	}
	if im.Version >= 2 {
		im.HWInstance = le.Uint64(b[32:])
	}
	if im.Version >= 3 {
		im.Support = le.Uint64(b[40:])
	}
	im.Data = off + hdr
	stop := im.Data + int64(im.Size)
	switch {
	case stop+int64(im.VendorSize) > limit:
		im.Err = fmt.Errorf("image of %d+%d bytes at 0x%X, capsule ends at 0x%X", im.Size, im.VendorSize, im.Data, limit)
	case stop+int64(im.VendorSize) > end:
		im.Err = fmt.Errorf("image of %d+%d bytes at 0x%X, truncated at 0x%X", im.Size, im.VendorSize, im.Data, end)
	}
	stop = min(stop, end)
	p := im.Data
	// Authentication: flagged from version 3, recognised by its
	// WIN_CERTIFICATE before that.
	if a, err := extractors.ReadAt(r, p, 8+winCertHeader, stop); err == nil {
		l := int64(le.Uint32(a[8:]))
		cert := le.Uint16(a[12:]) == winCertRevision && le.Uint16(a[14:]) == winCertTypeGUID
		if im.Support&fmpSupportAuth != 0 || (im.Version < 3 && cert) {
			if !cert || l < winCertHeader || l > stop-p-8 {
				im.Err = fmt.Errorf("image authentication: WIN_CERTIFICATE length %d, revision 0x%04X, type 0x%04X", l, le.Uint16(a[12:]), le.Uint16(a[14:]))
				return im
			}
			im.Monotonic = le.Uint64(a)
			switch g := guidAt(a[16:]); g {
			case guidCertPKCS7:
				im.Auth = "pkcs7"
			case guidCertRSA256:
				im.Auth = "rsa2048-sha256"
			default:
				im.Auth = g.String()
			}
			im.Cert = span{p + 8 + winCertHeader, l - winCertHeader}
			p += 8 + l
		}
	} else if im.Support&fmpSupportAuth != 0 {
		im.Err = fmt.Errorf("image authentication truncated")
		return im
	}
	if im.Support&fmpSupportDep != 0 {
		d, err := extractors.ReadAt(r, p, int(min(maxDepex, stop-p)), stop)
		if err != nil {
			im.Err = fmt.Errorf("dependency expression truncated")
			return im
		}
		s, n, err := decodeDepex(d)
		if err != nil {
			im.Err = fmt.Errorf("dependency expression: %v", err)
			return im
		}
		im.Depex, p = s, p+int64(n)
	}
	if h, err := extractors.ReadAt(r, p, 16, stop); err == nil && string(h[:4]) == fmpPayloadSig {
		hs := int64(le.Uint32(h[4:]))
		if hs < 16 || hs > stop-p {
			im.Err = fmt.Errorf("FMP payload header size %d", hs)
			return im
		}
		im.HasPayload, im.FwVersion, im.LowestVer = true, le.Uint32(h[8:]), le.Uint32(h[12:])
		p += hs
	}
	im.Payload = span{p, max(0, stop-p)}
	return im
}

// decodeDepex renders an EFI_FIRMWARE_IMAGE_DEP (UEFI spec, 23.2) the way
// edk2's GenerateCapsule prints it and returns its length, END included.
func decodeDepex(b []byte) (string, int, error) {
	ops := map[byte]string{0x03: "&&", 0x04: "||", 0x08: "==", 0x09: ">", 0x0A: ">=", 0x0B: "<", 0x0C: "<="}
	var st []string
	pop := func() string { s := st[len(st)-1]; st = st[:len(st)-1]; return s }
	for i := 0; i < len(b); {
		op := b[i]
		i++
		switch {
		case op == 0x00: // PUSH_GUID
			if len(b)-i < 16 {
				return "", 0, fmt.Errorf("GUID truncated")
			}
			st = append(st, guidAt(b[i:]).String())
			i += 16
		case op == 0x01: // PUSH_VERSION
			if len(b)-i < 4 {
				return "", 0, fmt.Errorf("version truncated")
			}
			st = append(st, fmt.Sprintf("0x%08X", binary.LittleEndian.Uint32(b[i:])))
			i += 4
		case op == 0x02: // DECLARE_VERSION_NAME: a NUL-terminated string
			n := strings.IndexByte(string(b[i:]), 0)
			if n < 0 {
				return "", 0, fmt.Errorf("version name not terminated")
			}
			s := strconv.Quote(string(b[i : i+n]))
			if len(st) > 0 {
				s = pop() + " DECLARE " + s
			} else {
				s = "DECLARE " + s
			}
			st = append(st, s)
			i += n + 1
		case op == 0x05: // NOT
			if len(st) < 1 {
				return "", 0, fmt.Errorf("NOT without operand")
			}
			st = append(st, "~ "+pop())
		case op == 0x06:
			st = append(st, "TRUE")
		case op == 0x07:
			st = append(st, "FALSE")
		case ops[op] != "":
			if len(st) < 2 {
				return "", 0, fmt.Errorf("%s without operands", ops[op])
			}
			a, c := pop(), pop()
			st = append(st, "("+a+" "+ops[op]+" "+c+")")
		case op == 0x0D: // END
			if len(st) != 1 {
				return "", 0, fmt.Errorf("%d values left at END", len(st))
			}
			return st[0], i, nil
		default:
			return "", 0, fmt.Errorf("opcode 0x%02X", op)
		}
	}
	return "", 0, fmt.Errorf("no END")
}

func (f *fmpCapsule) attrs(a map[string]string) {
	a["uefi.fmp.embedded_drivers"] = strconv.Itoa(f.Drivers)
	a["uefi.fmp.payloads"] = strconv.Itoa(len(f.Images))
	for i, im := range f.Images {
		k := "uefi.fmp." + strconv.Itoa(i+1) + "."
		if im.Version == 0 {
			continue // the header was not there
		}
		a[k+"image_type_id"] = im.TypeID.String()
		a[k+"image_index"] = strconv.Itoa(int(im.Index))
		a[k+"image_size"] = strconv.FormatUint(uint64(im.Size), 10)
		a[k+"vendor_code_size"] = strconv.FormatUint(uint64(im.VendorSize), 10)
		if im.Version >= 2 {
			a[k+"hardware_instance"] = fmt.Sprintf("0x%X", im.HWInstance)
		}
		if im.Version >= 3 {
			a[k+"capsule_support"] = fmt.Sprintf("0x%X", im.Support)
		}
		if im.Auth != "" {
			a[k+"auth"] = im.Auth
			a[k+"monotonic_count"] = strconv.FormatUint(im.Monotonic, 10)
		}
		if im.Depex != "" {
			a[k+"dependencies"] = im.Depex
		}
		if im.HasPayload {
			a[k+"fw_version"] = fmt.Sprintf("0x%08X", im.FwVersion)
			a[k+"lowest_supported_version"] = fmt.Sprintf("0x%08X", im.LowestVer)
		}
		if im.Err != nil {
			a[k+"error"] = im.Err.Error()
		}
	}
}

// fmp writes the drivers as driver<n>.efi and each payload as image<n>
// (.fv or .bin) with its signature (image<n>.p7) and vendor code.
func (x *capsuleWriter) fmp(ctx context.Context, f *fmpCapsule) {
	for i, d := range f.Driver {
		x.file(fmt.Sprintf("driver%d.efi", i+1), d.Off, d.Len)
	}
	for i, im := range f.Images {
		if ctx.Err() != nil {
			x.err = ctx.Err()
			return
		}
		name := "image" + strconv.Itoa(i+1)
		if im.Err != nil {
			x.problem("%s at 0x%X: %v", name, im.Off, im.Err)
		}
		if im.Data == 0 || (im.Payload.Len == 0 && im.Cert.Len == 0) {
			continue
		}
		if im.Cert.Len > 0 {
			ext := ".cert"
			if im.Auth == "pkcs7" {
				ext = ".p7"
			}
			x.file(name+ext, im.Cert.Off, im.Cert.Len)
		}
		if im.Payload.Len > 0 {
			x.blob(name, im.Payload.Off, im.Payload.Len)
		}
		if vend := im.Data + int64(im.Size); im.VendorSize > 0 && vend < x.end {
			x.blob(name+".vendor", vend, int64(im.VendorSize))
		}
	}
}

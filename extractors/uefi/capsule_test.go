package uefi

import (
	"bufio"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/fwstar/fwstar/extractors/sinktest"
)

// edk2.fv (edk2tools.sh): GenFv's volume of three GenFfs files whose PE32
// and RAW sections sit in a GenSec PI_STD compression section and in a
// TianoCompress GUID-defined section. The modules must be the inputs, as
// edk2.fv.tree lists them (and UEFIExtract agreed when it was made).
func TestEDK2Volume(t *testing.T) {
	img := sinktest.Fixture(t, "edk2.fv")
	s, c, end, err := sinktest.Extract(t, Handler{}, img, false)
	if err != nil || end != int64(len(img)) {
		t.Fatalf("end %d err %v", end, err)
	}
	if c.Attrs["uefi.fs"] != "FFSv2" || c.End != 0x6000 {
		t.Errorf("chunk %+v", c)
	}
	want, err := sinktest.ReadTree("testdata/edk2.fv.tree")
	if err != nil {
		t.Fatal(err)
	}
	if d := (sinktest.Compare{}).Diff(s.List(), want); len(d) > 0 {
		t.Errorf("differs from edk2.fv.tree:\n%s", strings.Join(d, "\n"))
	}
	for k, v := range map[string]string{"uefi.files": "3", "uefi.pe32": "2", "uefi.raw": "1", "uefi.volumes": "1"} {
		if s.Notes[k] != v {
			t.Errorf("note %s = %q, want %q", k, s.Notes[k], v)
		}
	}
}

func TestEDK2VolumeDamage(t *testing.T) {
	img := sinktest.Fixture(t, "edk2.fv")
	sinktest.CheckTruncations(t, Handler{}, img, 61)
	sinktest.CheckMutations(t, Handler{}, [][]byte{img}, 400, func(rng *rand.Rand, size int) int {
		return rng.IntN(size)
	})
}

// dumpInfo reads GenerateCapsule --dump-info output: each "KEY = VALUE"
// line, values in order of appearance.
func dumpInfo(t *testing.T, name string) map[string][]string {
	f, err := os.Open("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	m := map[string][]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), "=")
		if ok {
			k = strings.TrimSpace(k)
			m[k] = append(m[k], strings.TrimSpace(v))
		}
	}
	return m
}

func hexNum(t *testing.T, s string) uint64 {
	n, err := strconv.ParseUint(strings.Fields(s)[0], 16, 64)
	if err != nil {
		t.Fatalf("%q: %v", s, err)
	}
	return n
}

// Each FMP capsule GenerateCapsule wrote: our Attrs say what its own
// --dump-info says, and the payload and driver blobs are its inputs.
func TestFMPCapsules(t *testing.T) {
	orig := originals(t)
	fv := sha(sinktest.Fixture(t, "edk2.fv"))
	for _, tt := range []struct {
		name  string
		files map[string]string // name: sha256
		depex string
	}{
		{"capsule-fmp", map[string]string{"image1.fv": fv}, ""},
		{"capsule-fmp-signed", map[string]string{"image1.fv": fv, "image1.p7": ""}, ""},
		{"capsule-fmp-multi", map[string]string{"driver1.efi": orig["pe"].sha, "image1.fv": fv, "image1.p7": "", "image2.bin": orig["pe"].sha},
			`(TRUE DECLARE "fwstar-dep" && (11111111-2222-3333-4444-0000000000F2 >= 0x00000100))`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			img := sinktest.Fixture(t, tt.name+".cap")
			info := dumpInfo(t, tt.name+".info")
			s, c, end, err := sinktest.Extract(t, Capsule{}, img, false)
			if err != nil || end != int64(len(img)) || c.End != end {
				t.Fatalf("chunk end %d, extract end %d, err %v", c.End, end, err)
			}
			a := c.Attrs
			eq := func(key, got, want string) {
				t.Helper()
				if got != want {
					t.Errorf("%s = %q, want %q", key, got, want)
				}
			}
			eq("guid", a["uefi.capsule.guid"], info["EFI_CAPSULE_HEADER.CapsuleGuid"][0])
			eq("kind", a["uefi.capsule.kind"], "fmp")
			eq("flags", a["uefi.capsule.flags"], "0x"+info["EFI_CAPSULE_HEADER.Flags"][0])
			eq("size", a["uefi.capsule.size"], strconv.FormatUint(hexNum(t, info["EFI_CAPSULE_HEADER.CapsuleImageSize"][0]), 10))
			eq("drivers", a["uefi.fmp.embedded_drivers"], strconv.FormatUint(hexNum(t, info["EFI_FIRMWARE_MANAGEMENT_CAPSULE_HEADER.EmbeddedDriverCount"][0]), 10))
			eq("payloads", a["uefi.fmp.payloads"], strconv.FormatUint(hexNum(t, info["EFI_FIRMWARE_MANAGEMENT_CAPSULE_HEADER.PayloadItemCount"][0]), 10))
			const ih = "EFI_FIRMWARE_MANAGEMENT_CAPSULE_IMAGE_HEADER."
			signed, payloadHdr := 0, 0
			for i, id := range info[ih+"UpdateImageTypeId"] {
				k := "uefi.fmp." + strconv.Itoa(i+1) + "."
				num := func(f string) string { return strconv.FormatUint(hexNum(t, info[ih+f][i]), 10) }
				eq(k+"image_type_id", a[k+"image_type_id"], id)
				eq(k+"image_index", a[k+"image_index"], num("UpdateImageIndex"))
				eq(k+"image_size", a[k+"image_size"], num("UpdateImageSize"))
				eq(k+"vendor_code_size", a[k+"vendor_code_size"], num("UpdateVendorCodeSize"))
				eq(k+"hardware_instance", a[k+"hardware_instance"], fmt.Sprintf("0x%X", hexNum(t, info[ih+"UpdateHardwareInstance"][i])))
				eq(k+"capsule_support", a[k+"capsule_support"], fmt.Sprintf("0x%X", hexNum(t, info[ih+"ImageCapsuleSupport"][i])))
				if a[k+"auth"] != "" {
					const au = "EFI_FIRMWARE_IMAGE_AUTHENTICATION."
					eq(k+"auth", a[k+"auth"], "pkcs7")
					eq("cert type", info[au+"AuthInfo.CertType"][signed], "4AAFD29D-68DF-49EE-8AA9-347D375665A7")
					eq(k+"monotonic_count", a[k+"monotonic_count"], strconv.FormatUint(hexNum(t, info[au+"MonotonicCount"][signed]), 10))
					p7 := s.Entries["image"+strconv.Itoa(i+1)+".p7"]
					if p7 == nil || uint64(p7.Size) != hexNum(t, info["sizeof (EFI_FIRMWARE_IMAGE_AUTHENTICATION.AuthInfo.CertData)"][signed]) {
						t.Errorf("%s: p7 %+v, CertData of %s bytes", k, p7, info["sizeof (EFI_FIRMWARE_IMAGE_AUTHENTICATION.AuthInfo.CertData)"][signed])
					}
					signed++
				}
				const ph = "FMP_PAYLOAD_HEADER."
				eq(k+"fw_version", a[k+"fw_version"], "0x"+info[ph+"FwVersion"][payloadHdr])
				eq(k+"lowest_supported_version", a[k+"lowest_supported_version"], "0x"+info[ph+"LowestSupportedVersion"][payloadHdr])
				payloadHdr++
				if a[k+"error"] != "" {
					t.Errorf("%s: %s", k, a[k+"error"])
				}
			}
			if signed != len(info["EFI_FIRMWARE_IMAGE_AUTHENTICATION.MonotonicCount"]) {
				t.Errorf("%d signed payloads, the tool shows %d", signed, len(info["EFI_FIRMWARE_IMAGE_AUTHENTICATION.MonotonicCount"]))
			}
			eq("dependencies", a["uefi.fmp.1.dependencies"], tt.depex)
			if len(s.Entries) != len(tt.files) {
				t.Errorf("%d entries, want %d: %v", len(s.Entries), len(tt.files), s.List())
			}
			for name, want := range tt.files {
				e := s.Entries[name]
				if e == nil {
					t.Errorf("%s missing", name)
				} else if want != "" && e.SHA256 != want {
					t.Errorf("%s sha256 %s, want %s", name, e.SHA256, want)
				}
			}
		})
	}
}

// GenFv -c: the plain capsule holds the volume; the UX capsule our BMP.
func TestPlainAndUXCapsules(t *testing.T) {
	orig := originals(t)
	fv := sinktest.Fixture(t, "edk2.fv")
	for _, tt := range []struct {
		name  string
		attrs map[string]string
		file  string
		sha   string
	}{
		{"capsule-efi.cap", map[string]string{"uefi.capsule.kind": "efi", "uefi.capsule.guid": "3B6686BD-0D76-4030-B70E-B5519E2FC5A0",
			"uefi.capsule.flags": "0x00050000", "uefi.capsule.flag_names": "PersistAcrossReset,InitiateReset",
			"uefi.capsule.header_size": "32", "uefi.capsule.size": strconv.Itoa(32 + len(fv))}, "payload.fv", sha(fv)},
		{"capsule-ux.cap", map[string]string{"uefi.capsule.kind": "ux", "uefi.capsule.guid": "3B8C8162-188C-46A4-AEC9-BE43F1D65697",
			"uefi.capsule.flags": "0x00010000", "uefi.capsule.header_size": "28", "uefi.capsule.ux.version": "1",
			"uefi.capsule.ux.image_type": "0", "uefi.capsule.ux.mode": "0", "uefi.capsule.ux.offset": "16,32",
			"uefi.capsule.size": strconv.FormatInt(28+16+orig["ux.bmp"].size, 10)}, "ux.bmp", orig["ux.bmp"].sha},
	} {
		img := sinktest.Fixture(t, tt.name)
		s, c, end, err := sinktest.Extract(t, Capsule{}, img, false)
		if err != nil || end != int64(len(img)) {
			t.Fatalf("%s: end %d err %v", tt.name, end, err)
		}
		for k, v := range tt.attrs {
			if c.Attrs[k] != v {
				t.Errorf("%s: %s = %q, want %q", tt.name, k, c.Attrs[k], v)
			}
		}
		if l := s.List(); len(l) != 1 || l[0].Path != tt.file || l[0].SHA256 != tt.sha {
			t.Errorf("%s: %v, want %s %s", tt.name, l, tt.file, tt.sha)
		}
	}
}

func capsuleFixtures(t testing.TB) [][]byte {
	var out [][]byte
	for _, n := range []string{"capsule-efi.cap", "capsule-fmp.cap", "capsule-fmp-signed.cap", "capsule-fmp-multi.cap", "capsule-ux.cap"} {
		out = append(out, sinktest.Fixture(t, n))
	}
	return out
}

// Cuts and mutations of the header areas (the first 0x1800 bytes hold every
// header of the multi-payload capsule's driver and first image).
func TestCapsuleDamage(t *testing.T) {
	imgs := capsuleFixtures(t)
	for _, img := range imgs {
		sinktest.CheckTruncations(t, Capsule{}, img, 37)
	}
	sinktest.CheckMutations(t, Capsule{}, imgs, 2000, func(rng *rand.Rand, size int) int {
		return rng.IntN(min(size, 0x1800))
	})
}

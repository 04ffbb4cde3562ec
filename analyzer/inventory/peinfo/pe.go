// Package peinfo reads what an inventory needs from PE/COFF images (UEFI
// modules mostly) and from TE images, the PI specification's stripped PE.
package peinfo

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/saferwall/pe"
	"github.com/saferwall/pe/log"
)

// Info describes a PE or TE image.
type Info struct {
	Format             string   `json:"format"` // "PE32", "PE32+", "TE"
	Machine            string   `json:"machine"`
	Subsystem          string   `json:"subsystem"`
	DllCharacteristics []string `json:"dll_characteristics,omitempty"`
	ASLR               bool     `json:"aslr"`
	NX                 bool     `json:"nx"`
	HighEntropyVA      bool     `json:"high_entropy_va"`
	CFG                bool     `json:"cfg"`
	WXSections         []string `json:"wx_sections,omitempty"` // writable and executable
	Signed             bool     `json:"signed"`
	Signer             string   `json:"signer,omitempty"`
	SignerIssuer       string   `json:"signer_issuer,omitempty"`
	Authentihash       string   `json:"authentihash,omitempty"` // in the signature's digest algorithm
	AuthentihashMatch  *bool    `json:"authentihash_match,omitempty"`
}

// MaxSize is the largest image Parse reads into memory.
const MaxSize = 64 << 20

var machines = map[uint16]string{
	0x14c: "x86", 0x8664: "x86-64", 0x1c0: "ARM", 0x1c2: "ARM Thumb", 0x1c4: "ARMv7 Thumb-2",
	0xaa64: "AArch64", 0x200: "IA-64", 0xebc: "EFI Byte Code", 0x5032: "RISC-V32", 0x5064: "RISC-V64",
	0x5128: "RISC-V128", 0x6232: "LoongArch32", 0x6264: "LoongArch64",
}

func machineName(m uint16) string {
	if n, ok := machines[m]; ok {
		return n
	}
	return fmt.Sprintf("0x%04x", m)
}

var subsystems = map[uint16]string{
	1: "native", 2: "Windows GUI", 3: "Windows CUI", 9: "Windows CE GUI",
	10: "EFI application", 11: "EFI boot service driver", 12: "EFI runtime driver", 13: "EFI ROM",
	14: "Xbox", 16: "Windows boot application",
}

func subsystemName(s uint16) string {
	if n, ok := subsystems[s]; ok {
		return n
	}
	return fmt.Sprintf("%d", s)
}

var dllNames = []struct {
	bit  uint16
	name string
}{
	{pe.ImageDllCharacteristicsHighEntropyVA, "HIGH_ENTROPY_VA"},
	{pe.ImageDllCharacteristicsDynamicBase, "DYNAMIC_BASE"},
	{pe.ImageDllCharacteristicsForceIntegrity, "FORCE_INTEGRITY"},
	{pe.ImageDllCharacteristicsNXCompact, "NX_COMPAT"},
	{pe.ImageDllCharacteristicsNoIsolation, "NO_ISOLATION"},
	{pe.ImageDllCharacteristicsNoSEH, "NO_SEH"},
	{pe.ImageDllCharacteristicsNoBind, "NO_BIND"},
	{pe.ImageDllCharacteristicsAppContainer, "APPCONTAINER"},
	{pe.ImageDllCharacteristicsWdmDriver, "WDM_DRIVER"},
	{pe.ImageDllCharacteristicsGuardCF, "GUARD_CF"},
	{pe.ImageDllCharacteristicsTerminalServiceAware, "TERMINAL_SERVER_AWARE"},
}

const (
	scnMemExecute = 0x20000000
	scnMemWrite   = 0x80000000
)

// Parse reads a PE image of the given size (at most MaxSize).
func Parse(r io.ReaderAt, size int64) (*Info, error) {
	if size > MaxSize {
		return nil, fmt.Errorf("pe: %d bytes is over the %d byte limit", size, MaxSize)
	}
	data := make([]byte, size)
	if _, err := r.ReadAt(data, 0); err != nil && err != io.EOF {
		return nil, err
	}
	return ParseBytes(data)
}

// ParseBytes reads a PE image held in memory. saferwall/pe recovers its own
// panics; ours are caught here so hostile input never brings a scan down.
func ParseBytes(data []byte) (info *Info, err error) {
	defer func() {
		if !catchPanics {
			return
		}
		if p := recover(); p != nil {
			info, err = nil, fmt.Errorf("pe: malformed image (parser panic: %v)", p)
		}
	}()
	f, err := pe.NewBytes(data, &pe.Options{
		// Chain validation would need the system roots; the signature is
		// checked by recomputing the authentihash below.
		DisableCertValidation: true,
		Logger:                log.NewStdLogger(io.Discard), // the default writes to stdout
		OmitExportDirectory:   true, OmitImportDirectory: true, OmitExceptionDirectory: true,
		OmitResourceDirectory: true, OmitDebugDirectory: true, OmitTLSDirectory: true,
		OmitLoadConfigDirectory: true, OmitCLRHeaderDirectory: true, OmitCLRMetadata: true,
		OmitBoundImportDirectory: true, OmitDelayImportDirectory: true, OmitIATDirectory: true,
		OmitGlobalPtrDirectory: true, OmitArchitectureDirectory: true,
	})
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if err := f.Parse(); err != nil {
		// saferwall refuses an ImageBase not 64 KiB aligned, which every
		// execute-in-place PEI module rebased to its flash address has; the
		// headers we need are then read by headers().
		if info, herr := headers(data); herr == nil {
			return info, nil
		}
		return nil, err
	}
	info = &Info{Machine: machineName(uint16(f.NtHeader.FileHeader.Machine))}
	var sub, dll uint16
	switch oh := f.NtHeader.OptionalHeader.(type) {
	case pe.ImageOptionalHeader64:
		info.Format, sub, dll = "PE32+", uint16(oh.Subsystem), uint16(oh.DllCharacteristics)
	case pe.ImageOptionalHeader32:
		info.Format, sub, dll = "PE32", uint16(oh.Subsystem), uint16(oh.DllCharacteristics)
	default:
		return nil, fmt.Errorf("pe: no optional header")
	}
	info.Subsystem = subsystemName(sub)
	info.setDll(dll)
	for _, s := range f.Sections {
		if c := s.Header.Characteristics; c&scnMemExecute != 0 && c&scnMemWrite != 0 {
			info.WXSections = append(info.WXSections, sectionName(s.Header.Name))
		}
	}
	if f.HasCertificate && len(f.Certificates.Certificates) > 0 {
		info.Signed = true
		c := f.Certificates.Certificates[0]
		info.Signer, info.SignerIssuer = c.Info.Subject, c.Info.Issuer
		if h := c.SignatureContent.HashFunction; h.Available() {
			if got := f.AuthentihashExt(h.New()); len(got) == 1 && got[0] != nil {
				info.Authentihash = hex.EncodeToString(got[0])
				m := bytes.Equal(got[0], c.SignatureContent.HashResult)
				info.AuthentihashMatch = &m
			}
		}
	}
	return info, nil
}

func sectionName(b [8]uint8) string {
	return strings.TrimRight(string(b[:]), "\x00")
}

// catchPanics is turned off by the fuzz target, so that panics in the
// parsing code are found rather than hidden.
var catchPanics = true

// headers reads machine, subsystem, DllCharacteristics and section flags
// straight from the PE/COFF headers (PE format spec: COFF header after
// "PE\0\0", Subsystem at optional header offset 68 and DllCharacteristics
// at 70 for both PE32 and PE32+).
func headers(b []byte) (*Info, error) {
	if len(b) < 0x40 {
		return nil, fmt.Errorf("pe: truncated DOS header")
	}
	pe := int(binary.LittleEndian.Uint32(b[0x3c:]))
	if pe < 0x40 || pe > len(b)-24 || string(b[pe:pe+4]) != "PE\x00\x00" {
		return nil, fmt.Errorf("pe: no PE signature")
	}
	coff := b[pe+4:]
	nsec, optSize := int(binary.LittleEndian.Uint16(coff[2:])), int(binary.LittleEndian.Uint16(coff[16:]))
	opt := pe + 24
	if optSize < 72 || opt+optSize > len(b) {
		return nil, fmt.Errorf("pe: truncated optional header")
	}
	info := &Info{Machine: machineName(binary.LittleEndian.Uint16(coff))}
	switch binary.LittleEndian.Uint16(b[opt:]) {
	case 0x10b:
		info.Format = "PE32"
	case 0x20b:
		info.Format = "PE32+"
	default:
		return nil, fmt.Errorf("pe: unknown optional header magic")
	}
	info.Subsystem = subsystemName(binary.LittleEndian.Uint16(b[opt+68:]))
	dll := binary.LittleEndian.Uint16(b[opt+70:])
	info.setDll(dll)
	for i := range nsec {
		o := opt + optSize + i*40
		if o+40 > len(b) {
			return nil, fmt.Errorf("pe: section table truncated at 0x%x", o)
		}
		if c := binary.LittleEndian.Uint32(b[o+36:]); c&scnMemExecute != 0 && c&scnMemWrite != 0 {
			var name [8]uint8
			copy(name[:], b[o:])
			info.WXSections = append(info.WXSections, sectionName(name))
		}
	}
	return info, nil
}

func (info *Info) setDll(dll uint16) {
	for _, d := range dllNames {
		if dll&d.bit != 0 {
			info.DllCharacteristics = append(info.DllCharacteristics, d.name)
		}
	}
	sort.Strings(info.DllCharacteristics)
	info.ASLR = dll&pe.ImageDllCharacteristicsDynamicBase != 0
	info.NX = dll&pe.ImageDllCharacteristicsNXCompact != 0
	info.HighEntropyVA = dll&pe.ImageDllCharacteristicsHighEntropyVA != 0
	info.CFG = dll&pe.ImageDllCharacteristicsGuardCF != 0
}

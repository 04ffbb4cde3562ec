package elfinfo

import (
	"debug/elf"
	"fmt"
	"strings"
)

// Machine names by e_machine, for the machines firmware ships; others fall
// back to debug/elf's name without its "EM_" prefix.
var machineNames = map[elf.Machine]string{
	elf.EM_386:          "x86",
	elf.EM_X86_64:       "x86-64",
	elf.EM_ARM:          "ARM",
	elf.EM_AARCH64:      "AArch64",
	elf.EM_MIPS:         "MIPS",
	elf.EM_MIPS_RS3_LE:  "MIPS",
	elf.EM_PPC:          "PowerPC",
	elf.EM_PPC64:        "PowerPC64",
	elf.EM_RISCV:        "RISC-V",
	elf.EM_XTENSA:       "Xtensa",
	elf.EM_ARC:          "ARC",
	elf.EM_ARC_COMPACT:  "ARCompact",
	elf.EM_ARC_COMPACT2: "ARCv2",
	elf.EM_SH:           "SuperH",
	elf.EM_SPARC:        "SPARC",
	elf.EM_SPARCV9:      "SPARC64",
	elf.EM_68K:          "m68k",
	elf.EM_S390:         "S/390",
	elf.EM_LOONGARCH:    "LoongArch",
	elf.EM_MICROBLAZE:   "MicroBlaze",
	elf.EM_ALTERA_NIOS2: "Nios II",
	elf.EM_OPENRISC:     "OpenRISC",
	elf.Machine(252):    "C-SKY", // EM_CSKY, not named by debug/elf
	elf.EM_BPF:          "BPF",
}

func machineName(m elf.Machine) string {
	if n, ok := machineNames[m]; ok {
		return n
	}
	return strings.TrimPrefix(m.String(), "EM_")
}

// MIPS e_flags fields (binutils include/elf/mips.h).
const (
	efMIPSArch      = 0xf0000000
	efMIPSMicroMIPS = 0x02000000
	efMIPSM16       = 0x04000000
	efMIPSMDMX      = 0x08000000
	efMIPSABI       = 0x0000f000
	efMIPSABI2      = 0x00000020 // n32
	efMIPSNaN2008   = 0x00000400
	efMIPSFP64      = 0x00000200
)

var mipsArch = []string{"mips1", "mips2", "mips3", "mips4", "mips5", "mips32", "mips64", "mips32r2", "mips64r2", "mips32r6", "mips64r6"}

// ARM e_flags fields (ARM ELF ABI, "ELF header").
const (
	efARMEABIMask  = 0xff000000
	efARMBE8       = 0x00800000
	efARMSoftFloat = 0x00000200
	efARMHardFloat = 0x00000400
)

// flavour returns the ISA details e_flags (and, for ARM, the entry point's
// Thumb bit) carry, and a short architecture key for summaries.
func flavour(m elf.Machine, class elf.Class, flags uint32, entry uint64, big bool) (flav []string, arch string) {
	end := "le"
	if big {
		end = "be"
	}
	switch m {
	case elf.EM_MIPS, elf.EM_MIPS_RS3_LE:
		a := int(flags&efMIPSArch) >> 28
		isa := fmt.Sprintf("mips-arch%d", a)
		if a < len(mipsArch) {
			isa = mipsArch[a]
		}
		flav = append(flav, isa)
		if flags&efMIPSM16 != 0 {
			flav = append(flav, "mips16")
		}
		if flags&efMIPSMicroMIPS != 0 {
			flav = append(flav, "micromips")
		}
		if flags&efMIPSMDMX != 0 {
			flav = append(flav, "mdmx")
		}
		switch {
		case flags&efMIPSABI2 != 0:
			flav = append(flav, "n32")
		case flags&efMIPSABI == 0x1000:
			flav = append(flav, "o32")
		case flags&efMIPSABI == 0x2000:
			flav = append(flav, "o64")
		case flags&efMIPSABI == 0x3000:
			flav = append(flav, "eabi32")
		case flags&efMIPSABI == 0x4000:
			flav = append(flav, "eabi64")
		case class == elf.ELFCLASS64:
			flav = append(flav, "n64")
		}
		if flags&efMIPSNaN2008 != 0 {
			flav = append(flav, "nan2008")
		}
		if flags&efMIPSFP64 != 0 {
			flav = append(flav, "fp64")
		}
		name := "mips"
		if !big {
			name = "mipsel"
		}
		return flav, name + "-" + isa
	case elf.EM_ARM:
		v := flags & efARMEABIMask >> 24
		if v == 0 {
			flav = append(flav, "oabi")
		} else {
			flav = append(flav, fmt.Sprintf("eabi%d", v))
		}
		if flags&efARMHardFloat != 0 {
			flav = append(flav, "hard-float")
		} else if flags&efARMSoftFloat != 0 {
			flav = append(flav, "soft-float")
		}
		if flags&efARMBE8 != 0 {
			flav = append(flav, "be8")
		}
		if entry&1 != 0 {
			flav = append(flav, "thumb-entry")
		}
		return flav, "arm-" + flav[0] + "-" + end
	case elf.EM_RISCV:
		if flags&1 != 0 {
			flav = append(flav, "rvc")
		}
		flav = append(flav, []string{"soft-float", "single-float", "double-float", "quad-float"}[flags>>1&3])
		if flags&8 != 0 {
			flav = append(flav, "rve")
		}
		return flav, fmt.Sprintf("riscv%d", map[elf.Class]int{elf.ELFCLASS32: 32, elf.ELFCLASS64: 64}[class])
	case elf.EM_PPC64:
		if abi := flags & 3; abi != 0 {
			flav = append(flav, fmt.Sprintf("elfv%d", abi))
		}
		return flav, "ppc64-" + end
	}
	arch = strings.ToLower(strings.ReplaceAll(machineName(m), " ", ""))
	switch m {
	case elf.EM_386, elf.EM_X86_64, elf.EM_AARCH64:
	default:
		arch += "-" + end
	}
	return flav, arch
}

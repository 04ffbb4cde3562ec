package kernel

import "slices"

// ChecksSource says where the check table's facts come from.
const ChecksSource = "kernel-hardening-checker by Alexander Popov (github.com/a13xp0p0v/kernel-hardening-checker, " +
	"kernel_hardening_checker/checks.py, v0.6.x): the self_protection, security_policy and cut_attack_surface " +
	"checks with their decision source (defconfig, kspp, clipos, grsec); older option names are the OR-alternatives " +
	"the checker accepts for older kernels"

// check is one recommendation: any of its options having its wanted value
// passes ("n" means "is not set", which an absent option also satisfies).
type check struct {
	Reason   string // self_protection, security_policy, cut_attack_surface
	Decision string // defconfig, kspp, clipos, grsec
	Arches   []string
	Want     []opt
}

type opt struct{ Name, Value string }

func y(names ...string) []opt {
	var o []opt
	for _, n := range names {
		o = append(o, opt{n, "y"})
	}
	return o
}

func off(name string) []opt { return []opt{{name, "n"}} }

var checks = []check{
	{"self_protection", "defconfig", nil, y("CONFIG_BUG")},
	{"self_protection", "defconfig", nil, y("CONFIG_SLUB_DEBUG")},
	{"self_protection", "defconfig", nil, y("CONFIG_STACKPROTECTOR", "CONFIG_CC_STACKPROTECTOR")},
	{"self_protection", "defconfig", nil, y("CONFIG_STACKPROTECTOR_STRONG", "CONFIG_CC_STACKPROTECTOR_STRONG")},
	{"self_protection", "defconfig", nil, y("CONFIG_STRICT_KERNEL_RWX", "CONFIG_DEBUG_RODATA")},
	{"self_protection", "defconfig", nil, y("CONFIG_STRICT_MODULE_RWX", "CONFIG_DEBUG_SET_MODULE_RONX")},
	{"self_protection", "defconfig", nil, y("CONFIG_VMAP_STACK")},
	{"self_protection", "defconfig", nil, y("CONFIG_THREAD_INFO_IN_TASK")},
	{"self_protection", "defconfig", []string{"X86_64", "X86_32", "ARM64"}, y("CONFIG_RANDOMIZE_BASE")},
	{"self_protection", "defconfig", []string{"X86_64", "X86_32"}, y("CONFIG_PAGE_TABLE_ISOLATION")},
	{"self_protection", "defconfig", []string{"X86_64", "X86_32"}, y("CONFIG_RETPOLINE", "CONFIG_MITIGATION_RETPOLINE")},
	{"self_protection", "defconfig", []string{"ARM"}, y("CONFIG_CPU_SW_DOMAIN_PAN")},
	{"self_protection", "defconfig", []string{"ARM64"}, y("CONFIG_ARM64_SW_TTBR0_PAN")},
	{"self_protection", "kspp", nil, y("CONFIG_HARDENED_USERCOPY")},
	{"self_protection", "kspp", nil, off("CONFIG_HARDENED_USERCOPY_FALLBACK")},
	{"self_protection", "kspp", nil, y("CONFIG_FORTIFY_SOURCE")},
	{"self_protection", "kspp", nil, y("CONFIG_SCHED_STACK_END_CHECK")},
	{"self_protection", "kspp", nil, y("CONFIG_SLAB_FREELIST_HARDENED")},
	{"self_protection", "kspp", nil, y("CONFIG_SLAB_FREELIST_RANDOM")},
	{"self_protection", "kspp", nil, y("CONFIG_SHUFFLE_PAGE_ALLOCATOR")},
	{"self_protection", "kspp", nil, y("CONFIG_BUG_ON_DATA_CORRUPTION")},
	{"self_protection", "kspp", nil, y("CONFIG_DEBUG_LIST")},
	{"self_protection", "kspp", nil, y("CONFIG_DEBUG_SG")},
	{"self_protection", "kspp", nil, y("CONFIG_DEBUG_NOTIFIERS")},
	{"self_protection", "kspp", nil, y("CONFIG_INIT_ON_ALLOC_DEFAULT_ON")},
	{"self_protection", "kspp", nil, y("CONFIG_INIT_STACK_ALL_ZERO")},
	{"self_protection", "kspp", nil, y("CONFIG_PANIC_ON_OOPS")},
	{"self_protection", "kspp", nil, y("CONFIG_MODULE_SIG", "CONFIG_MODULES=n")},
	{"self_protection", "kspp", nil, y("CONFIG_MODULE_SIG_FORCE", "CONFIG_MODULES=n")},
	{"self_protection", "kspp", nil, y("CONFIG_SECURITY_DMESG_RESTRICT")},
	{"self_protection", "clipos", nil, y("CONFIG_STATIC_USERMODEHELPER")},
	{"security_policy", "defconfig", nil, y("CONFIG_SECURITY")},
	{"security_policy", "kspp", nil, y("CONFIG_SECURITY_YAMA")},
	{"security_policy", "defconfig", nil, y("CONFIG_SECCOMP")},
	{"security_policy", "defconfig", nil, y("CONFIG_SECCOMP_FILTER")},
	{"cut_attack_surface", "defconfig", nil, y("CONFIG_STRICT_DEVMEM", "CONFIG_DEVMEM=n")},
	{"cut_attack_surface", "kspp", nil, off("CONFIG_DEVMEM")},
	{"cut_attack_surface", "kspp", nil, y("CONFIG_IO_STRICT_DEVMEM", "CONFIG_DEVMEM=n")},
	{"cut_attack_surface", "kspp", nil, off("CONFIG_DEVKMEM")},
	{"cut_attack_surface", "kspp", nil, off("CONFIG_PROC_KCORE")},
	{"cut_attack_surface", "kspp", nil, off("CONFIG_LEGACY_PTYS")},
	{"cut_attack_surface", "kspp", nil, off("CONFIG_COMPAT_BRK")},
	{"cut_attack_surface", "kspp", nil, off("CONFIG_KEXEC")},
	{"cut_attack_surface", "kspp", nil, off("CONFIG_HIBERNATION")},
	{"cut_attack_surface", "kspp", nil, off("CONFIG_BINFMT_MISC")},
	{"cut_attack_surface", "kspp", nil, off("CONFIG_USERFAULTFD")},
	{"cut_attack_surface", "kspp", nil, off("CONFIG_ACPI_CUSTOM_METHOD")},
	{"cut_attack_surface", "kspp", []string{"X86_64"}, y("CONFIG_LEGACY_VSYSCALL_NONE")},
	{"cut_attack_surface", "kspp", []string{"X86_64", "X86_32"}, off("CONFIG_MODIFY_LDT_SYSCALL")},
	{"cut_attack_surface", "grsec", nil, off("CONFIG_DEBUG_FS")},
	{"cut_attack_surface", "grsec", nil, off("CONFIG_KPROBES")},
	{"cut_attack_surface", "grsec", nil, off("CONFIG_INET_DIAG")},
	{"cut_attack_surface", "clipos", nil, off("CONFIG_MAGIC_SYSRQ")},
}

// CheckResult is one check's verdict.
type CheckResult struct {
	Option   string `json:"option"` // the first (current) option name
	Want     string `json:"want"`   // "y" or "is not set"
	Got      string `json:"got"`    // the value found, "is not set", or "not found"
	OK       bool   `json:"ok"`
	Reason   string `json:"reason"`
	Decision string `json:"decision"`
}

// Check runs the table against a parsed config of the given architecture
// (as configArch names it); arch-specific checks are skipped elsewhere.
func Check(cfg map[string]string, arch string) []CheckResult {
	var out []CheckResult
	for _, c := range checks {
		if c.Arches != nil && !slices.Contains(c.Arches, arch) {
			continue
		}
		first := c.Want[0]
		r := CheckResult{Option: first.Name, Want: first.Value, Reason: c.Reason, Decision: c.Decision}
		if r.Want == "n" {
			r.Want = "is not set"
		}
		got, found := cfg[first.Name]
		switch {
		case !found:
			r.Got = "not found"
		case got == "n":
			r.Got = "is not set"
		default:
			r.Got = got
		}
		for _, o := range c.Want {
			name, want := o.Name, o.Value
			if n, v, ok := cut(name); ok { // "CONFIG_MODULES=n" alternatives
				name, want = n, v
			}
			v, found := cfg[name]
			if want == "n" && (!found || v == "n") || found && v == want {
				r.OK = true
				break
			}
		}
		out = append(out, r)
	}
	return out
}

func cut(s string) (string, string, bool) {
	for i := range s {
		if s[i] == '=' {
			return s[:i], s[i+1:], true
		}
	}
	return "", "", false
}

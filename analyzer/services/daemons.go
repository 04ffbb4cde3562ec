package services

import (
	"path"
	"strings"
)

// daemon is what we know of a server program: the names its binary goes by
// and the ports it listens on by default (from each project's manual page or
// default configuration). Kept in Go rather than YAML: every entry is used by
// code that reads that daemon's options, so the two change together.
type daemon struct {
	Name     string
	Kind     string
	Binaries []string
	Ports    []string
	Network  bool // listens on the network (not only local sockets)
}

var daemons = []daemon{
	{"telnetd", "telnet", []string{"telnetd", "utelnetd", "in.telnetd", "telnetd.busybox"}, []string{"tcp/23"}, true},
	{"dropbear", "ssh", []string{"dropbear", "dropbearmulti"}, []string{"tcp/22"}, true},
	{"sshd", "ssh", []string{"sshd"}, []string{"tcp/22"}, true},
	{"ftpd", "ftp", []string{"ftpd", "vsftpd", "proftpd", "pure-ftpd", "bftpd", "in.ftpd", "stupid-ftpd"}, []string{"tcp/21"}, true},
	{"tftpd", "tftp", []string{"tftpd", "in.tftpd", "tftpd-hpa", "atftpd"}, []string{"udp/69"}, true},
	{"uhttpd", "http", []string{"uhttpd"}, []string{"tcp/80"}, true},
	{"lighttpd", "http", []string{"lighttpd"}, []string{"tcp/80"}, true},
	{"boa", "http", []string{"boa"}, []string{"tcp/80"}, true},
	{"goahead", "http", []string{"goahead", "webs"}, []string{"tcp/80"}, true},
	{"appweb", "http", []string{"appweb"}, []string{"tcp/80"}, true},
	{"nginx", "http", []string{"nginx"}, []string{"tcp/80"}, true},
	{"mini_httpd", "http", []string{"mini_httpd"}, []string{"tcp/80"}, true},
	{"thttpd", "http", []string{"thttpd"}, []string{"tcp/80"}, true},
	{"httpd", "http", []string{"httpd", "apache2", "busybox-httpd"}, []string{"tcp/80"}, true},
	{"miniupnpd", "upnp", []string{"miniupnpd", "upnpd"}, []string{"udp/1900"}, true},
	{"snmpd", "snmp", []string{"snmpd", "mini_snmpd"}, []string{"udp/161"}, true},
	{"mosquitto", "mqtt", []string{"mosquitto"}, []string{"tcp/1883"}, true},
	{"adbd", "adb", []string{"adbd"}, []string{"tcp/5555"}, true},
	{"gdbserver", "debug", []string{"gdbserver"}, nil, true},
	{"dnsmasq", "dns", []string{"dnsmasq"}, []string{"udp/53", "udp/67"}, true},
	{"udhcpd", "dhcp", []string{"udhcpd"}, []string{"udp/67"}, true},
	{"odhcpd", "dhcp", []string{"odhcpd"}, []string{"udp/547"}, true},
	{"smbd", "smb", []string{"smbd", "ksmbd.mountd"}, []string{"tcp/445"}, true},
	{"avahi-daemon", "mdns", []string{"avahi-daemon", "umdns", "mdnsd"}, []string{"udp/5353"}, true},
	{"rpcbind", "rpc", []string{"rpcbind", "portmap"}, []string{"tcp/111", "udp/111"}, true},
	{"inetd", "inetd", []string{"inetd", "xinetd"}, nil, true},
	{"ntpd", "ntp", []string{"ntpd", "chronyd"}, []string{"udp/123"}, false},
	{"syslogd", "log", []string{"syslogd", "rsyslogd", "logd", "syslog-ng"}, nil, false},
	{"klogd", "log", []string{"klogd"}, nil, false},
	{"crond", "cron", []string{"crond", "cron"}, nil, false},
	{"hostapd", "wifi", []string{"hostapd", "wpad"}, nil, false},
	{"wpa_supplicant", "wifi", []string{"wpa_supplicant"}, nil, false},
	{"rpcd", "ubus", []string{"rpcd", "ubusd"}, nil, false},
	{"netifd", "network", []string{"netifd"}, nil, false},
	{"bluetoothd", "bluetooth", []string{"bluetoothd"}, nil, false},
	{"haveged", "entropy", []string{"haveged"}, nil, false},
}

var daemonByBinary = func() map[string]*daemon {
	m := map[string]*daemon{}
	for i := range daemons {
		for _, b := range daemons[i].Binaries {
			m[b] = &daemons[i]
		}
	}
	return m
}()

// shells start an interactive shell when run on a terminal.
var shells = map[string]bool{"sh": true, "ash": true, "bash": true, "hush": true, "msh": true, "dash": true, "ksh": true, "zsh": true, "mksh": true}

// gettys ask for a login name and run login.
var gettys = map[string]bool{"getty": true, "agetty": true, "mingetty": true, "mgetty": true, "uugetty": true, "fgetty": true, "ngetty": true}

// program finds the program a command runs once wrappers are taken off:
// exec, nohup, env, setsid, nice, chroot, busybox APPLET,
// start-stop-daemon -x PROG -- ARGS, procd_set_param command, service_start,
// sh -c 'CMD'. It returns nil for a command that starts nothing (a stop, a
// test, a function of the script).
func program(argv []string) []string {
	for depth := 0; depth < 8 && len(argv) > 0; depth++ {
		// leading assignments: FOO=1 cmd
		for len(argv) > 0 {
			if _, _, ok := splitAssign(argv[0]); !ok {
				break
			}
			argv = argv[1:]
		}
		if len(argv) == 0 {
			return nil
		}
		switch path.Base(argv[0]) {
		case "exec", "nohup", "setsid", "time", "ionice", "stdbuf", "taskset", "chrt", "command", "builtin":
			argv = skipOpts(argv[1:])
		case "nice":
			argv = argv[1:]
			if len(argv) > 1 && argv[0] == "-n" {
				argv = argv[2:]
			}
			argv = skipOpts(argv)
		case "env":
			argv = argv[1:]
			for len(argv) > 0 && (strings.HasPrefix(argv[0], "-") || strings.Contains(argv[0], "=")) {
				argv = argv[1:]
			}
		case "chroot":
			if len(argv) < 3 {
				return nil
			}
			argv = argv[2:]
		case "busybox":
			argv = argv[1:]
		case "start-stop-daemon":
			return ssdProgram(argv[1:])
		case "procd_set_param":
			if len(argv) < 3 || argv[1] != "command" {
				return nil
			}
			argv = argv[2:]
		case "service_start": // OpenWrt's rc.common before procd
			argv = argv[1:]
		case "sh", "ash", "bash", "dash":
			if len(argv) >= 3 && argv[1] == "-c" {
				cmds := parseShell(argv[2])
				if len(cmds) == 0 {
					return nil
				}
				argv = cmds[0].Argv
				continue
			}
			return argv
		default:
			return argv
		}
	}
	return nil
}

func skipOpts(argv []string) []string {
	for len(argv) > 0 && strings.HasPrefix(argv[0], "-") && len(argv[0]) > 1 {
		argv = argv[1:]
	}
	return argv
}

// ssdProgram reads start-stop-daemon's options (BusyBox and Debian): the
// program is -x/--exec or -a/--startas, its arguments follow "--"; -K/--stop
// stops rather than starts.
func ssdProgram(argv []string) []string {
	var prog string
	var args []string
	start := false
	for i := 0; i < len(argv); i++ {
		a := argv[i]
		val := func() string {
			if k := strings.IndexByte(a, '='); k > 0 && strings.HasPrefix(a, "--") {
				return a[k+1:]
			}
			if i+1 < len(argv) {
				i++
				return argv[i]
			}
			return ""
		}
		switch {
		case a == "--":
			args = argv[i+1:]
			i = len(argv)
		case a == "-K" || a == "--stop" || a == "-T" || a == "--status":
			return nil
		case a == "-S" || a == "--start":
			start = true
		case a == "-x" || strings.HasPrefix(a, "--exec"):
			if p := val(); prog == "" {
				prog = p
			}
		case a == "-a" || strings.HasPrefix(a, "--startas"):
			prog = val()
		case len(a) == 2 && strings.Contains("pnuUcgrNkdIOPRs", a[1:]) && a[0] == '-',
			strings.HasPrefix(a, "--") && !strings.Contains(a, "=") && ssdLongWithArg[a]:
			i++
		case strings.HasPrefix(a, "-") && len(a) > 2 && a[1] != '-':
			// bundled short options: -bmSq
			if strings.ContainsRune(a, 'K') {
				return nil
			}
			if strings.ContainsRune(a, 'S') {
				start = true
			}
		}
	}
	if !start || prog == "" {
		return nil
	}
	return append([]string{prog}, args...)
}

var ssdLongWithArg = map[string]bool{"--pidfile": true, "--name": true, "--user": true, "--chuid": true,
	"--group": true, "--chroot": true, "--nicelevel": true, "--signal": true, "--retry": true, "--chdir": true,
	"--umask": true, "--make-pidfile-path": true, "--output": true, "--procsched": true, "--iosched": true}

// knownDaemon returns the daemon a program path is, if any.
func knownDaemon(prog string) *daemon {
	return daemonByBinary[path.Base(prog)]
}

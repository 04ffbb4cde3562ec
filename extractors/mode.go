package extractors

import "io/fs"

// Linux S_IFMT values of st_mode, shared by every Unix filesystem and archive.
const (
	SIFMT   = 0o170000
	SIFSOCK = 0o140000
	SIFLNK  = 0o120000
	SIFREG  = 0o100000
	SIFBLK  = 0o060000
	SIFDIR  = 0o040000
	SIFCHR  = 0o020000
	SIFIFO  = 0o010000
)

// UnixMode turns a Linux st_mode into fs.FileMode: permission bits,
// setuid/setgid/sticky and the file type.
func UnixMode(m uint32) fs.FileMode {
	mode := fs.FileMode(m & 0o777)
	if m&0o4000 != 0 {
		mode |= fs.ModeSetuid
	}
	if m&0o2000 != 0 {
		mode |= fs.ModeSetgid
	}
	if m&0o1000 != 0 {
		mode |= fs.ModeSticky
	}
	switch m & SIFMT {
	case SIFDIR:
		mode |= fs.ModeDir
	case SIFLNK:
		mode |= fs.ModeSymlink
	case SIFCHR:
		mode |= fs.ModeDevice | fs.ModeCharDevice
	case SIFBLK:
		mode |= fs.ModeDevice
	case SIFIFO:
		mode |= fs.ModeNamedPipe
	case SIFSOCK:
		mode |= fs.ModeSocket
	}
	return mode
}

// UnixPerm is the inverse for the permission part: the 12 low st_mode bits
// (permissions with setuid 04000, setgid 02000 and sticky 01000).
func UnixPerm(m fs.FileMode) uint32 {
	v := uint32(m.Perm())
	if m&fs.ModeSetuid != 0 {
		v |= 0o4000
	}
	if m&fs.ModeSetgid != 0 {
		v |= 0o2000
	}
	if m&fs.ModeSticky != 0 {
		v |= 0o1000
	}
	return v
}

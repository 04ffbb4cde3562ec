// Package archive holds the handlers of file archives (cpio, tar, zip): each
// writes the entries it holds with their real names, modes, owners and times.
package archive

import (
	"io/fs"
	"time"

	"github.com/fwstar/fwstar/extractors"
)

// Unix file type bits (S_IFMT), shared by cpio, tar and zip's external attributes.
const (
	sIFMT   = 0o170000
	sIFSOCK = 0o140000
	sIFLNK  = 0o120000
	sIFREG  = 0o100000
	sIFBLK  = 0o060000
	sIFDIR  = 0o040000
	sIFCHR  = 0o020000
	sIFIFO  = 0o010000
)

// unixMeta turns a Unix st_mode and owner fields into a Meta: permission
// bits, setuid/setgid/sticky and, for devices, fifos and sockets, the type.
func unixMeta(mode uint32, uid, gid int64, mtime int64) extractors.Meta {
	m := fs.FileMode(mode & 0o777)
	if mode&0o4000 != 0 {
		m |= fs.ModeSetuid
	}
	if mode&0o2000 != 0 {
		m |= fs.ModeSetgid
	}
	if mode&0o1000 != 0 {
		m |= fs.ModeSticky
	}
	switch mode & sIFMT {
	case sIFCHR:
		m |= fs.ModeDevice | fs.ModeCharDevice
	case sIFBLK:
		m |= fs.ModeDevice
	case sIFIFO:
		m |= fs.ModeNamedPipe
	case sIFSOCK:
		m |= fs.ModeSocket
	}
	return extractors.Meta{Mode: m, UID: uid, GID: gid, MTime: time.Unix(mtime, 0).UTC()}
}

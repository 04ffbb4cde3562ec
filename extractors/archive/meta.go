// Package archive holds the handlers of file archives (cpio, tar, zip): each
// writes the entries it holds with their real names, modes, owners and times.
package archive

import (
	"time"

	"github.com/fwstar/fwstar/extractors"
)

// unixMeta turns a Unix st_mode and owner fields into a Meta.
func unixMeta(mode uint32, uid, gid int64, mtime int64) extractors.Meta {
	return extractors.Meta{Mode: extractors.UnixMode(mode), UID: uid, GID: gid, MTime: time.Unix(mtime, 0).UTC()}
}

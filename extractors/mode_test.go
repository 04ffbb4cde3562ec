package extractors

import (
	"io/fs"
	"testing"
)

func TestUnixMode(t *testing.T) {
	for _, c := range []struct {
		st   uint32
		want fs.FileMode
	}{
		{0o104755, fs.ModeSetuid | 0o755},                     // -rwsr-xr-x
		{0o041777, fs.ModeDir | fs.ModeSticky | 0o777},        // drwxrwxrwt
		{0o120777, fs.ModeSymlink | 0o777},                    // lrwxrwxrwx
		{0o020620, fs.ModeDevice | fs.ModeCharDevice | 0o620}, // crw--w----
		{0o060660, fs.ModeDevice | 0o660},                     // brw-rw----
		{0o010644, fs.ModeNamedPipe | 0o644},                  // prw-r--r--
		{0o140755, fs.ModeSocket | 0o755},                     // srwxr-xr-x
		{0o102755, fs.ModeSetgid | 0o755},
	} {
		if got := UnixMode(c.st); got != c.want {
			t.Errorf("UnixMode(%o) = %v, want %v", c.st, got, c.want)
		}
		if got := UnixPerm(UnixMode(c.st)); got != c.st&0o7777 {
			t.Errorf("UnixPerm(UnixMode(%o)) = %o", c.st, got)
		}
	}
}

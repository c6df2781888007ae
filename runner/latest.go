package runner

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/openbank-homolog/homolog/evidence"
)

// LatestName is the link, inside the bundles folder, to the newest bundle.
const LatestName = "latest"

// pointLatest makes out/latest point at the newest bundle: a relative
// symlink where the file system allows one (so reports/latest is the
// bundle for any tool), else a file holding the bundle's path. It is
// replaced with a rename, so a reader never sees it missing.
func pointLatest(out, bundle string) error {
	link := filepath.Join(out, LatestName)
	tmp := filepath.Join(out, fmt.Sprintf(".%s.tmp-%d", LatestName, os.Getpid()))
	_ = os.Remove(tmp)
	if err := os.Symlink(filepath.Base(bundle), tmp); err == nil {
		if err := os.Rename(tmp, link); err == nil {
			return nil
		}
		_ = os.Remove(tmp)
	}
	// No symlinks here (some Windows accounts): the path, in a file.
	_ = os.Remove(link) // a directory or a stale link of another kind
	return evidence.WriteFileAtomic(link, []byte(bundle+"\n"), 0o644)
}

// ResolveBundle follows a "latest" file written where symlinks are not
// allowed to the bundle it names; anything else is returned as given.
func ResolveBundle(path string) string {
	st, err := os.Lstat(path)
	if err != nil || !st.Mode().IsRegular() || st.Size() > 4096 {
		return path
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return path
	}
	target := string(data)
	for len(target) > 0 && (target[len(target)-1] == '\n' || target[len(target)-1] == '\r') {
		target = target[:len(target)-1]
	}
	if fi, err := os.Stat(target); err == nil && fi.IsDir() {
		return target
	}
	return path
}

package inventory

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/fwstar/fwstar/analyzer/model"
	"github.com/fwstar/fwstar/extractors/engine"
)

const critUnneeded = "S1.1-13" // unneeded interfaces disabled, no exploitable known weaknesses

func findings(t *model.Tree, res *Result) []model.Finding {
	var out []model.Finding
	add := func(f *model.Finding) {
		if f != nil && len(f.Evidence) > 0 {
			f.Fingerprint("")
			out = append(out, *f)
		}
	}
	add(setuidFinding(res.Files))
	add(worldWritableFinding(res.Files))
	add(ownerFinding(t, res.Files))
	for _, g := range gapRules {
		add(gapFinding(res.Files, g))
	}
	for _, r := range res.Files {
		if r.Kernel != nil {
			add(kernelFinding(r))
		}
	}
	add(peWXFinding(res.Files))
	add(authentihashFinding(res.Files))
	return out
}

func evidence(r *Record) model.Evidence {
	return model.Evidence{Path: r.Path, Offset: -1, SHA256: r.SHA256}
}

func perm(r *Record) uint64 {
	p, err := strconv.ParseUint(r.Mode, 8, 32)
	if err != nil {
		return 0
	}
	return p
}

func setuidFinding(recs []*Record) *model.Finding {
	f := &model.Finding{RuleID: "fs-setuid", Kind: model.KindHardening, Severity: model.Low, Confidence: model.ConfHigh,
		Title: model.Text{EN: "Set-user-ID or set-group-ID files", JA: "set-user-ID / set-group-ID が付いたファイル"},
		Remediation: model.Text{
			EN: "Remove the setuid/setgid bit from every program that does not need to raise privileges; for BusyBox, build it with CONFIG_FEATURE_SUID and keep the binary itself non-setuid.",
			JA: "権限昇格が不要なプログラムから setuid/setgid ビットを外してください。BusyBox は CONFIG_FEATURE_SUID を有効にしてビルドし、バイナリ自体には setuid を付けないでください。"},
		Criteria: []string{critUnneeded}, Props: map[string]string{}}
	var names []string
	for _, r := range recs {
		if r.Entry != engine.TypeFile && r.Entry != engine.TypeHardlink {
			continue
		}
		if p := perm(r); p&0o6000 != 0 {
			f.Evidence = append(f.Evidence, evidence(r))
			kind := "setuid"
			if p&0o4000 == 0 {
				kind = "setgid"
			}
			names = append(names, fmt.Sprintf("%s (%s, owner %d)", r.Path, kind, r.UID))
			if r.ELF != nil && strings.Contains(r.Path, "busybox") {
				// Every applet linked to a setuid BusyBox starts as root.
				f.Props["busybox_setuid"] = r.Path
				f.Severity = model.Medium
			}
		}
	}
	f.Detail = model.Text{
		EN: fmt.Sprintf("%d files run with their owner's or group's privileges: %s.", len(names), strings.Join(names, ", ")),
		JA: fmt.Sprintf("%d 個のファイルが所有者またはグループの権限で実行されます: %s。", len(names), strings.Join(names, ", "))}
	if b := f.Props["busybox_setuid"]; b != "" {
		f.Detail.EN += " BusyBox itself is setuid, so every applet linked to it starts with raised privileges unless BusyBox drops them."
		f.Detail.JA += " BusyBox 本体が setuid のため、BusyBox が権限を落とさない限り、リンクされた全アプレットが昇格した権限で起動します。"
	}
	return f
}

func worldWritableFinding(recs []*Record) *model.Finding {
	f := &model.Finding{RuleID: "fs-world-writable", Kind: model.KindHardening, Severity: model.Medium, Confidence: model.ConfHigh,
		Title: model.Text{EN: "World-writable files or directories", JA: "全ユーザーが書き込み可能なファイル・ディレクトリ"},
		Remediation: model.Text{
			EN: "Drop the other-write bit, or give shared directories the sticky bit (chmod +t) like /tmp.",
			JA: "other への書き込み権限を外すか、/tmp のように共有ディレクトリにはスティッキービット (chmod +t) を付けてください。"},
		Criteria: []string{critUnneeded}}
	var names []string
	for _, r := range recs {
		p := perm(r)
		switch {
		case r.Entry == engine.TypeDir && p&0o002 != 0 && p&0o1000 == 0,
			(r.Entry == engine.TypeFile || r.Entry == engine.TypeHardlink) && p&0o002 != 0:
			f.Evidence = append(f.Evidence, evidence(r))
			names = append(names, r.Path+" ("+r.Mode+")")
		}
	}
	f.Detail = model.Text{
		EN: fmt.Sprintf("Any local user or process can modify %d entries: %s.", len(names), strings.Join(names, ", ")),
		JA: fmt.Sprintf("任意のローカルユーザー・プロセスが %d 個のエントリを変更できます: %s。", len(names), strings.Join(names, ", "))}
	return f
}

// ownerFinding reports files owned by a uid or gid the image's own
// /etc/passwd and /etc/group do not know (a build machine's account leaking
// in); without those files, ids of 1000 and above are reported.
func ownerFinding(t *model.Tree, recs []*Record) *model.Finding {
	f := &model.Finding{RuleID: "fs-unexpected-owner", Kind: model.KindHardening, Severity: model.Low, Confidence: model.ConfMedium,
		Title: model.Text{EN: "Files owned by unknown users or groups", JA: "不明なユーザー・グループが所有するファイル"},
		Remediation: model.Text{
			EN: "Build the filesystem image with root ownership (e.g. mksquashfs -all-root, fakeroot) or add the accounts that should own these files.",
			JA: "ファイルシステムイメージを root 所有で作成する (mksquashfs -all-root や fakeroot など) か、所有すべきアカウントを追加してください。"},
		Criteria: []string{critUnneeded}}
	known := map[*engine.Chunk][2]map[int64]bool{}
	ids := func(c *engine.Chunk) [2]map[int64]bool {
		if k, ok := known[c]; ok {
			return k
		}
		k := [2]map[int64]bool{accountIDs(t, c, "/etc/passwd"), accountIDs(t, c, "/etc/group")}
		known[c] = k
		return k
	}
	var names []string
	for _, r := range recs {
		if r.file == nil || r.Entry == engine.TypeBlob || r.file.Chunk.Format == "" {
			continue
		}
		k := ids(r.file.Chunk)
		bad := func(id int64, set map[int64]bool) bool {
			if set == nil {
				return id >= 1000 && id != 65534
			}
			return !set[id]
		}
		if bad(r.UID, k[0]) || bad(r.GID, k[1]) {
			f.Evidence = append(f.Evidence, evidence(r))
			names = append(names, fmt.Sprintf("%s (%d:%d)", r.Path, r.UID, r.GID))
		}
	}
	const maxListed = 20
	list := strings.Join(names[:min(len(names), maxListed)], ", ")
	if len(names) > maxListed {
		list += ", …"
	}
	f.Detail = model.Text{
		EN: fmt.Sprintf("%d entries are owned by ids the image does not define: %s.", len(names), list),
		JA: fmt.Sprintf("%d 個のエントリがイメージ内で定義されていない ID の所有です: %s。", len(names), list)}
	return f
}

func accountIDs(t *model.Tree, c *engine.Chunk, p string) map[int64]bool {
	f := t.LookupIn(c, p)
	if f == nil || !f.Regular() {
		return nil
	}
	b, err := t.ReadFile(f, 1<<20)
	if err != nil {
		return nil
	}
	ids := map[int64]bool{}
	for _, l := range strings.Split(string(b), "\n") {
		fs := strings.Split(l, ":")
		if len(fs) >= 3 {
			if id, err := strconv.ParseInt(fs[2], 10, 64); err == nil {
				ids[id] = true
			}
		}
	}
	return ids
}

type gapRule struct {
	gap, id string
	sev     model.Severity
	title   model.Text
	detail  model.Text // %d binaries, %s list
	remedy  model.Text
}

var gapRules = []gapRule{
	{GapNX, "elf-no-nx", model.Medium,
		model.Text{EN: "Binaries with an executable stack (no NX)", JA: "スタックが実行可能なバイナリ (NX なし)"},
		model.Text{EN: "%d binaries have no PT_GNU_STACK header or mark the stack executable, so injected code on the stack can run: %s.",
			JA: "%d 個のバイナリに PT_GNU_STACK がないかスタックが実行可能で、スタックに注入されたコードが実行され得ます: %s。"},
		model.Text{EN: "Link with -z noexecstack and a toolchain that emits PT_GNU_STACK.", JA: "-z noexecstack を指定し、PT_GNU_STACK を出力するツールチェーンでリンクしてください。"}},
	{GapPIE, "elf-no-pie", model.Low,
		model.Text{EN: "Executables not built as PIE", JA: "PIE でビルドされていない実行ファイル"},
		model.Text{EN: "%d executables load at a fixed address, so ASLR cannot randomise their code: %s.",
			JA: "%d 個の実行ファイルが固定アドレスにロードされ、ASLR でコードの配置をランダム化できません: %s。"},
		model.Text{EN: "Compile with -fPIE and link with -pie.", JA: "-fPIE でコンパイルし、-pie でリンクしてください。"}},
	{GapRELRO, "elf-no-relro", model.Low,
		model.Text{EN: "Binaries without RELRO", JA: "RELRO のないバイナリ"},
		model.Text{EN: "%d binaries leave their GOT and relocation data writable (no PT_GNU_RELRO): %s.",
			JA: "%d 個のバイナリで GOT と再配置データが書き込み可能なままです (PT_GNU_RELRO なし): %s。"},
		model.Text{EN: "Link with -z relro -z now.", JA: "-z relro -z now でリンクしてください。"}},
	{GapCanary, "elf-no-canary", model.Low,
		model.Text{EN: "Binaries without stack canaries", JA: "スタックカナリアのないバイナリ"},
		model.Text{EN: "%d binaries reference no __stack_chk_fail/__stack_chk_guard, so stack buffer overflows are not detected: %s.",
			JA: "%d 個のバイナリが __stack_chk_fail/__stack_chk_guard を参照せず、スタックバッファオーバーフローが検出されません: %s。"},
		model.Text{EN: "Compile with -fstack-protector-strong.", JA: "-fstack-protector-strong でコンパイルしてください。"}},
}

func gapFinding(recs []*Record, g gapRule) *model.Finding {
	f := &model.Finding{RuleID: g.id, Kind: model.KindHardening, Severity: g.sev, Confidence: model.ConfHigh,
		Title: g.title, Remediation: g.remedy, Criteria: []string{critUnneeded}}
	var names []string
	for _, r := range recs {
		for _, m := range missing(r) {
			if m == g.gap {
				f.Evidence = append(f.Evidence, evidence(r))
				names = append(names, r.Path)
			}
		}
	}
	sort.Strings(names)
	list := strings.Join(names, ", ")
	f.Detail = model.Text{EN: fmt.Sprintf(g.detail.EN, len(names), list), JA: fmt.Sprintf(g.detail.JA, len(names), list)}
	f.Props = map[string]string{"count": strconv.Itoa(len(names))}
	return f
}

func kernelFinding(r *Record) *model.Finding {
	k := r.Kernel
	if k.Config == nil {
		return nil
	}
	var failed []string
	for _, c := range k.Checks {
		if !c.OK {
			failed = append(failed, fmt.Sprintf("%s (want %s, got %s)", c.Option, c.Want, c.Got))
		}
	}
	if len(failed) == 0 {
		return nil
	}
	list := strings.Join(failed, "; ")
	return &model.Finding{RuleID: "kernel-config-hardening", Kind: model.KindHardening, Severity: model.Medium, Confidence: model.ConfHigh,
		Title: model.Text{EN: "Kernel configuration misses hardening options", JA: "カーネル設定にハードニング項目の不足"},
		Detail: model.Text{
			EN: fmt.Sprintf("Linux %s's embedded config fails %d of %d checks of kernel-hardening-checker: %s.", k.Version, len(failed), len(k.Checks), list),
			JA: fmt.Sprintf("Linux %s の埋め込み設定は kernel-hardening-checker の %d 項目中 %d 項目を満たしていません: %s。", k.Version, len(k.Checks), len(failed), list)},
		Remediation: model.Text{
			EN: "Enable the listed self-protection options and disable the attack-surface ones; options a kernel this old lacks need a newer kernel.",
			JA: "列挙した自己防御オプションを有効化し、攻撃面を広げるオプションを無効化してください。古いカーネルに存在しないオプションはカーネル更新が必要です。"},
		Evidence: []model.Evidence{{Path: r.Path, Offset: k.ConfigOffset, SHA256: r.SHA256}},
		Criteria: []string{critUnneeded},
		Props:    map[string]string{"kernel": k.Version, "failed": strconv.Itoa(len(failed)), "source": kernelChecksName},
	}
}

const kernelChecksName = "kernel-hardening-checker"

func peWXFinding(recs []*Record) *model.Finding {
	f := &model.Finding{RuleID: "pe-wx-section", Kind: model.KindHardening, Severity: model.Low, Confidence: model.ConfHigh,
		Title:       model.Text{EN: "PE/TE images with writable and executable sections", JA: "書き込み可能かつ実行可能なセクションを持つ PE/TE イメージ"},
		Remediation: model.Text{EN: "Build UEFI modules with separate code and data sections (edk2: section alignment of 4 KiB, no RWX merge).", JA: "UEFI モジュールはコードとデータのセクションを分けてビルドしてください (edk2: 4 KiB セクションアラインメント、RWX 統合なし)。"},
		Criteria:    []string{critUnneeded}}
	var names []string
	for _, r := range recs {
		if r.PE != nil && len(r.PE.WXSections) > 0 {
			f.Evidence = append(f.Evidence, evidence(r))
			names = append(names, fmt.Sprintf("%s [%s]", r.Path, strings.Join(r.PE.WXSections, " ")))
		}
	}
	f.Detail = model.Text{
		EN: fmt.Sprintf("%d images map memory both writable and executable, which defeats memory protection: %s.", len(names), strings.Join(names, ", ")),
		JA: fmt.Sprintf("%d 個のイメージが書き込み可能かつ実行可能なメモリを持ち、メモリ保護が無効になります: %s。", len(names), strings.Join(names, ", "))}
	return f
}

func authentihashFinding(recs []*Record) *model.Finding {
	f := &model.Finding{RuleID: "pe-authentihash-mismatch", Kind: model.KindUpdate, Severity: model.High, Confidence: model.ConfHigh,
		Title:       model.Text{EN: "Signed PE image does not match its signature", JA: "署名付き PE イメージが署名と一致しない"},
		Remediation: model.Text{EN: "Re-sign the image after its last modification, or find out who modified it.", JA: "最終変更後に再署名するか、誰が変更したかを調査してください。"},
		Criteria:    []string{"S1.1-08"}}
	var names []string
	for _, r := range recs {
		if r.PE != nil && r.PE.AuthentihashMatch != nil && !*r.PE.AuthentihashMatch {
			f.Evidence = append(f.Evidence, evidence(r))
			names = append(names, r.Path)
		}
	}
	f.Detail = model.Text{
		EN: fmt.Sprintf("The Authenticode digest of %d images differs from the recomputed authentihash: %s.", len(names), strings.Join(names, ", ")),
		JA: fmt.Sprintf("%d 個のイメージで Authenticode のダイジェストが再計算した authentihash と異なります: %s。", len(names), strings.Join(names, ", "))}
	return f
}

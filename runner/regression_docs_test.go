package runner

import (
	"os"
	"path/filepath"
	"regexp"
	"testing"
)

func validDoc(d string) bool {
	check := func(s string, w []int) byte {
		sum := 0
		for i, wi := range w {
			sum += int(s[i]-'0') * wi
		}
		r := sum % 11
		if r < 2 {
			return '0'
		}
		return byte('0' + 11 - r)
	}
	switch len(d) {
	case 11:
		w1 := []int{10, 9, 8, 7, 6, 5, 4, 3, 2}
		w2 := []int{11, 10, 9, 8, 7, 6, 5, 4, 3, 2}
		return d[9] == check(d, w1) && d[10] == check(d, w2)
	case 14:
		w1 := []int{5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2}
		w2 := []int{6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2}
		return d[12] == check(d, w1) && d[13] == check(d, w2)
	}
	return false
}

// TestNoUnmaskedDocumentsInTheBundle: no file of a default bundle holds a
// check-digit-valid CPF or CNPJ in clear.
func TestNoUnmaskedDocumentsInTheBundle(t *testing.T) {
	cfg := Defaults()
	res, out := runPlan(t, cfg)
	if res.ExitCode != ExitPassed {
		t.Fatalf("run: %d\n%s", res.ExitCode, out)
	}
	// A run of digits inside a hash or a hex id is not a document.
	re := regexp.MustCompile(`(^|[^0-9A-Za-z])([0-9]{11}|[0-9]{14})([^0-9A-Za-z]|$)`)
	_ = filepath.Walk(res.Bundle, func(p string, fi os.FileInfo, err error) error {
		if fi.IsDir() {
			return nil
		}
		data, _ := os.ReadFile(p)
		seen := map[string]bool{}
		for _, m := range re.FindAllSubmatchIndex(data, -1) {
			d := string(data[m[4]:m[5]])
			if validDoc(d) && !seen[d] {
				seen[d] = true
				lo, hi := max(0, m[4]-60), min(len(data), m[5]+20)
				t.Errorf("%s: unmasked document %s in …%s…", filepath.Base(p), d, data[lo:hi])
			}
		}
		return nil
	})
}

// plan.yaml masks the documents the plan's fixtures name (a TED target's
// CPF), like every other file of the bundle.
func TestPlanYAMLMasksDocuments(t *testing.T) {
	cfg := Defaults()
	cfg.Tags = "@stage-1"
	cfg.Fixtures.TEDTarget = &TEDTargetConfig{InstitutionCode: "001", BranchCode: "1234", AccountCode: "123456", AccountType: "CC", Name: "Fulano", Document: "52998224725", DocumentType: "cpf"}
	res, _ := runPlan(t, cfg)
	b, _ := os.ReadFile(filepath.Join(res.Bundle, "plan.yaml"))
	if regexp.MustCompile(`52998224725`).Match(b) {
		t.Errorf("plan.yaml holds the TED target's CPF in clear")
	}
}

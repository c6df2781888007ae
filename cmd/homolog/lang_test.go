package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestRunPortuguese: homolog run --lang pt-BR passes the whole Portuguese
// script against the embedded simulator and speaks Portuguese: the
// progress and verdict lines, summary.md and report.html.
func TestRunPortuguese(t *testing.T) {
	dir := t.TempDir()
	code, out, errOut := cli(t, dir, nil, "run", "--lang", "pt-BR")
	require.Equal(t, 0, code, "stdout:\n%s\nstderr:\n%s", out, errOut)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	bundle := filepath.Join(dir, lines[len(lines)-1])
	assert.Equal(t, "Homologação APROVADA", lines[len(lines)-2])
	assert.Regexp(t, `^homolog run [0-9a-f]{8}: 56 cenários contra simulator`, lines[0])
	assert.Contains(t, out, "APROVADA: 56 aprovados, 0 reprovados, 0 bloqueados, 0 não rodaram de 56 cenários;")
	assert.Contains(t, out, "Recargas › Uma recarga de celular não dá código PIN")

	summary, err := os.ReadFile(filepath.Join(bundle, "summary.md"))
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(string(summary), "# Homologação APROVADA\n\n- Alvo: **simulator** (simulador embutido)"), "%.120s", summary)
	html, err := os.ReadFile(filepath.Join(bundle, "report.html"))
	require.NoError(t, err)
	assert.Contains(t, string(html), `<html lang="pt-BR">`)
	assert.Contains(t, string(html), "Homologação")

	// HOMOLOG_LANG says the same, and scenarios.yaml's lang: too; the flag
	// wins over both.
	code, out, _ = cli(t, dir, map[string]string{"HOMOLOG_LANG": "pt"}, "run", "--tags", "@stage-1")
	require.Equal(t, 0, code, out)
	assert.Contains(t, out, "Homologação APROVADA — parcial: 2 de 56 cenários (tags @stage-1)")
	require.NoError(t, os.WriteFile(filepath.Join(dir, "scenarios.yaml"), []byte("lang: pt-BR\n"), 0o644))
	code, out, _ = cli(t, dir, nil, "run", "--tags", "@stage-1", "--lang", "en")
	require.Equal(t, 0, code, out)
	assert.Contains(t, out, "Homologation PASSED — partial: 2 of 56 scenarios (tags @stage-1)")
}

package brcode

import (
	"bytes"
	"encoding/base64"
	"image/png"
	"strings"
	"testing"
)

// readQR decodes a data-URI PNG and reads its modules at their centres, as
// a scanner does on a clean image.
func readQR(t *testing.T, uri string, side int) [][]bool {
	t.Helper()
	b64, ok := strings.CutPrefix(uri, "data:image/png;base64,")
	if !ok {
		t.Fatalf("qr_code_image %.40q is not a data:image/png;base64 URI", uri)
	}
	raw, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		t.Fatalf("qr_code_image is not base64: %v", err)
	}
	img, err := png.Decode(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("qr_code_image is not a PNG: %v", err)
	}
	bounds := img.Bounds()
	if bounds.Dx() != side*ModulePixels || bounds.Dy() != bounds.Dx() {
		t.Fatalf("image is %dx%d, want a square of %d modules × %d px", bounds.Dx(), bounds.Dy(), side, ModulePixels)
	}
	grid := make([][]bool, side)
	for y := range side {
		grid[y] = make([]bool, side)
		for x := range side {
			r, g, b, _ := img.At(bounds.Min.X+x*ModulePixels+ModulePixels/2, bounds.Min.Y+y*ModulePixels+ModulePixels/2).RGBA()
			grid[y][x] = r+g+b < 3*0x8000
		}
	}
	return grid
}

func TestImageIsTheQRCodeOfTheContent(t *testing.T) {
	content := Code{Dynamic: true, URL: "sim.test/pix/4f1c2a", Amount: 2_500, Name: "Loja do Parceiro Ltda", City: "SAO PAULO"}.Encode()
	uri, err := Image(content)
	if err != nil {
		t.Fatal(err)
	}
	want, err := Modules(content)
	if err != nil {
		t.Fatal(err)
	}
	// A QR symbol is 21 + 4k modules a side, plus a 4-module quiet zone around it.
	side := len(want)
	if (side-8-21)%4 != 0 || side < 29 {
		t.Fatalf("symbol of %d modules a side is not a QR version", side)
	}
	got := readQR(t, uri, side)
	dark := 0
	for y := range side {
		for x := range side {
			if got[y][x] != want[y][x] {
				t.Fatalf("module (%d,%d) is dark=%v, the QR code of the content has %v", x, y, got[y][x], want[y][x])
			}
			if got[y][x] {
				dark++
			}
			if (x < 4 || y < 4 || x >= side-4 || y >= side-4) && got[y][x] {
				t.Fatalf("module (%d,%d) of the quiet zone is dark", x, y)
			}
		}
	}
	if frac := float64(dark) / float64((side-8)*(side-8)); frac < 0.3 || frac > 0.7 {
		t.Fatalf("%.0f%% of the symbol is dark: not a masked QR code", frac*100)
	}
	// The three finder patterns: a dark 7×7 ring around a dark 3×3 centre.
	for _, corner := range [][2]int{{4, 4}, {side - 11, 4}, {4, side - 11}} {
		x0, y0 := corner[0], corner[1]
		for i := range 7 {
			if !got[y0][x0+i] || !got[y0+6][x0+i] || !got[y0+i][x0] || !got[y0+i][x0+6] || !got[y0+3][x0+3] || got[y0+1][x0+1] {
				t.Fatalf("no finder pattern at (%d,%d)", x0, y0)
			}
		}
	}
	// Another content gives another image.
	other, _ := Image(content + "X")
	if other == uri {
		t.Fatal("two contents, one image")
	}
}

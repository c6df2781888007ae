package brcode

import (
	"encoding/base64"
	"fmt"

	qrcode "github.com/skip2/go-qrcode"
)

// ModulePixels is the side of one QR module in the images Image makes.
const ModulePixels = 4

// Level is the QR error correction the images use: M, as BACEN's BR Code
// manual recommends for printed and on-screen codes.
const Level = qrcode.Medium

// Image is a PNG of the QR code of content, with the 4-module quiet zone
// the QR standard asks for and ModulePixels pixels per module, as a data URI
// (data:image/png;base64,...). Stone's reference (stone-api.md §5.5) lists
// qr_code_image beside qr_code_content and types it only as a string; a
// base64 PNG in a data URI is what a page can show in an <img> as it comes,
// and the form this project's client fixtures read.
func Image(content string) (string, error) {
	q, err := qrcode.New(content, Level)
	if err != nil {
		return "", fmt.Errorf("simulator: qr code of %d characters: %w", len(content), err)
	}
	png, err := q.PNG(-ModulePixels)
	if err != nil {
		return "", fmt.Errorf("simulator: qr code png: %w", err)
	}
	return "data:image/png;base64," + base64.StdEncoding.EncodeToString(png), nil
}

// Modules is the QR symbol of content as its modules (true = dark),
// quiet zone included: what a reader of Image's PNG must find.
func Modules(content string) ([][]bool, error) {
	q, err := qrcode.New(content, Level)
	if err != nil {
		return nil, fmt.Errorf("simulator: qr code: %w", err)
	}
	return q.Bitmap(), nil
}

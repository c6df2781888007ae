package steps

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"net/http"

	"github.com/openbank-homolog/homolog/check"
	"github.com/openbank-homolog/homolog/stone"
)

func kycSteps() []Definition {
	return []Definition{
		step(kindAction, `^the application reads the KYC of the account opening's user$`, func(w *World) any { return w.readsKYC }).
			pt(`^a aplicação lê o KYC do usuário da abertura de conta$`),
		step(kindCheck, `^the KYC asks for each piece of information it needs$`, func(w *World) any { return w.kycRequested }).
			pt(`^o KYC pede cada informação de que precisa$`),
		step(kindAction, `^the application uploads the user's document photos and a selfie$`, func(w *World) any { return w.uploadsPhotos }).
			pt(`^a aplicação envia as fotos do documento do usuário e uma selfie$`),
		step(kindCheck, `^the photos are uploaded where Stone's storage said$`, func(w *World) any { return w.photosUploaded }).
			pt(`^as fotos são enviadas para onde o armazenamento da Stone indicou$`),
		step(kindAction, `^the application answers every check of the KYC$`, func(w *World) any { return w.answersKYC }).
			pt(`^a aplicação responde a cada verificação do KYC$`),
		step(kindCheck, `^the KYC is answered$`, func(w *World) any { return w.kycAnswered }).
			pt(`^o KYC está respondido$`),
	}
}

var errNoKYC = errors.New("no KYC request: read it before this step, or the read failed")

// readsKYC finds the account opening's user (its user_id, §5.4 [I]) and
// reads that user's KYC request.
func (w *World) readsKYC(ctx context.Context) error {
	if w.signUpID == "" {
		return fmt.Errorf("no account opening: the request failed or was not made: %v", w.err)
	}
	recs, err := w.call(ctx, func(ctx context.Context) error {
		su, err := w.s.cfg.Client.SignUp(ctx, w.signUpID)
		if err != nil {
			return err
		}
		if su.UserID == "" {
			return fmt.Errorf("account opening %s names no user_id", w.signUpID)
		}
		w.kyc, err = w.s.cfg.Client.KYCRequest(ctx, su.UserID)
		w.kycUserID = su.UserID
		return err
	})
	w.kycRecs = recs
	return w.succeeded(ctx, recs, err)
}

func (w *World) kycRequested(ctx context.Context) error {
	return w.verify(ctx, check.KYCRequested, params("status", stone.KYCRequested), check.Inputs{"response": w.kycRecs})
}

// testPhoto is a small JPEG: a grey square, as a camera's would be
// larger but of the same kind.
func testPhoto() ([]byte, error) {
	img := image.NewGray(image.Rect(0, 0, 32, 32))
	for i := range img.Pix {
		img.Pix[i] = uint8(96 + i%64)
	}
	img.SetGray(0, 0, color.Gray{Y: 255})
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 80}); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// uploadsPhotos asks where each photo goes and puts it there: the
// document's front and back, and a selfie with it.
func (w *World) uploadsPhotos(ctx context.Context) error {
	if w.kyc == nil {
		return errNoKYC
	}
	photo, err := testPhoto()
	if err != nil {
		return fmt.Errorf("make a test photo: %w", err)
	}
	w.photos = nil
	recs, err := w.call(ctx, func(ctx context.Context) error {
		for _, name := range []string{"doc_cnh_front.jpg", "doc_cnh_back.jpg", "selfie.jpg"} {
			up, err := w.s.cfg.Client.PhotoUploadURL(ctx, name)
			if err != nil {
				return err
			}
			if err := w.s.cfg.Client.UploadPhoto(ctx, up, photo); err != nil {
				return err
			}
			w.photos = append(w.photos, up.PublicURL)
		}
		return nil
	})
	w.photoRecs = recs
	for _, r := range recs {
		if r.HTTP != nil && r.HTTP.Method == http.MethodPut && r.HTTP.Status/100 != 2 {
			return w.photosUploaded(ctx) // the check names the storage's refusal
		}
	}
	return w.succeeded(ctx, apiCalls(recs), err)
}

// apiCalls are the records of calls to Stone's API, not the storage's.
func apiCalls(recs []check.Record) []check.Record {
	var out []check.Record
	for _, r := range recs {
		if r.HTTP != nil && r.HTTP.Method != http.MethodPut {
			out = append(out, r)
		}
	}
	return out
}

func (w *World) photosUploaded(ctx context.Context) error {
	var storage, uploads []check.Record
	for _, r := range w.photoRecs {
		switch {
		case r.HTTP == nil:
		case r.HTTP.Method == http.MethodPut:
			uploads = append(uploads, r)
		default:
			storage = append(storage, r)
		}
	}
	return w.verify(ctx, check.KYCPhotosUploaded, nil, check.Inputs{"storage": storage, "upload": uploads})
}

// answersKYC answers every check with a value of its field_type, as the
// answer page writes them; the photos are those uploaded.
func (w *World) answersKYC(ctx context.Context) error {
	if w.kyc == nil {
		return errNoKYC
	}
	if len(w.photos) < 3 {
		return errors.New("no photos: upload them before this step")
	}
	var answers []stone.KYCAnswer
	for _, c := range w.kyc.Checks {
		var v any
		switch c.FieldType {
		case "birthdate":
			v = "1990-05-20"
		case "phone_number":
			v = "21971697123"
		case "address":
			v = stone.KYCAddress{Street: "Rua Buarque de Macedo", StreetNumber: "38", Neighborhood: "Flamengo", City: "Rio de Janeiro",
				State: "RJ", Country: "Brasil", PostalCode: "22220030"}
		case "document_photo":
			v = stone.KYCDocumentPhoto{Type: "CNH", Front: w.photos[0], Back: w.photos[1]}
		case "document_selfies":
			v = []string{w.photos[2]}
		case "total_income_range":
			if c.Context == nil || len(c.Context.IncomeRanges) == 0 {
				return fmt.Errorf("check %s offers no income range to answer with", c.ID)
			}
			v = stone.KYCIncome{UpperBounds: c.Context.IncomeRanges[0].Range.UpperBounds}
		default:
			return fmt.Errorf("check %s asks for %q, which the KYC pages do not say how to answer", c.ID, c.FieldType)
		}
		answers = append(answers, stone.KYCAnswer{CheckID: c.ID, Value: v})
	}
	recs, err := w.call(ctx, func(ctx context.Context) error {
		_, err := w.s.cfg.Client.AnswerKYC(ctx, w.kycUserID, answers)
		return err
	})
	w.kycAnswerRecs = recs
	return w.succeeded(ctx, recs, err)
}

func (w *World) kycAnswered(ctx context.Context) error {
	return w.verify(ctx, check.KYCAnswered, nil, check.Inputs{"response": w.kycAnswerRecs})
}

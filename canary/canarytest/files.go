package canarytest

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"strconv"
	"sync"
)

// downloadToken serves the token's file with Content-Disposition, or the
// Console's "File generation not supported." for kinds without one.
func (s *Server) downloadToken(w http.ResponseWriter, r *request) {
	var t token
	found := false
	s.withRead(func(st *state) {
		if p := s.lookupToken(w, r, st); p != nil {
			t, found = *p, true
		}
	})
	if !found {
		return
	}
	ki := kinds[t.kind]
	if ki.file == "" {
		s.fail(w, http.StatusBadRequest, msgNoFile)
		return
	}
	name, ctype, data := tokenFile(&t, ki)
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Content-Disposition", "attachment; filename="+name)
	w.Header().Set("Content-Length", strconv.Itoa(len(data)))
	_, _ = w.Write(data)
}

// tokenFile builds the file of a token: the uploaded one (the real Console
// returns it with the beacon embedded) or a small generated file of the
// right type.
func tokenFile(t *token, ki kindInfo) (name, ctype string, data []byte) {
	name = t.id + ki.file
	if t.file != nil {
		ctype := t.file.contentType
		if ctype == "" {
			ctype = http.DetectContentType(t.file.data)
		}
		return name, ctype, t.file.data
	}
	switch ki.file {
	case ".docx", ".docm":
		return name, "application/vnd.openxmlformats-officedocument.wordprocessingml.document", officeZip("word/document.xml", t)
	case ".xlsx", ".xlsm":
		return name, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", officeZip("xl/workbook.xml", t)
	case ".pdf":
		return name, "application/pdf", []byte(fmt.Sprintf(
			"%%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R /URI (http://%s) >> endobj\n2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%%%EOF\n", t.hostname))
	case ".png":
		return name, "image/png", qrPNG(t.id)
	case ".reg":
		proc := t.params["process_name"]
		return name, "application/octet-stream", []byte(fmt.Sprintf(
			"Windows Registry Editor Version 5.00\r\n\r\n[HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\\SilentProcessExit\\%s]\r\n\"ReportingMode\"=dword:00000001\r\n\"MonitorProcess\"=\"cmd.exe /c start /min powershell.exe -windowstyle hidden -command \\\"nslookup %%USERNAME%%.%%COMPUTERNAME%%.%s\\\"\"\r\n",
			proc, t.hostname))
	case ".zip":
		return name, "application/zip", zipOf(map[string]string{
			"My Documents/desktop.ini": "[.ShellClassInfo]\r\nIconResource=\\\\%USERNAME%.%COMPUTERNAME%.%USERDOMAIN%.INI." + t.hostname + "\\resource.dll\r\n",
		})
	case ".exe":
		return name, "application/x-msdownload", append([]byte("MZ"), make([]byte, 126)...)
	case ".sql":
		return name, "application/sql", []byte("-- MySQL dump 10.13\n-- Host: db01    Database: customers\nSET @bb = CONCAT(\"CHANGE MASTER TO MASTER_HOST='" + t.hostname + "';\");\n")
	}
	// .txt: slack-api's token file.
	return name, "text/plain", []byte("token for " + t.hostname + "\n")
}

func officeZip(part string, t *token) []byte {
	return zipOf(map[string]string{
		"[Content_Types].xml": `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>`,
		part:                  `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><!-- http://` + t.hostname + ` -->`,
	})
}

func zipOf(files map[string]string) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, name := range []string{"[Content_Types].xml", "word/document.xml", "xl/workbook.xml", "My Documents/desktop.ini"} {
		if body, ok := files[name]; ok {
			f, _ := zw.Create(name)
			_, _ = f.Write([]byte(body))
		}
	}
	_ = zw.Close()
	return buf.Bytes()
}

// qrPNG draws a QR-code-like 25x25 pattern derived from id: a real PNG,
// not a scannable code.
func qrPNG(id string) []byte {
	const modules, scale = 25, 4
	sum := sha256.Sum256([]byte(id))
	img := image.NewGray(image.Rect(0, 0, modules*scale, modules*scale))
	for y := range modules {
		for x := range modules {
			bit := sum[(y*modules+x)/8%32]>>(uint(x)%8)&1 == 1
			finder := (x < 7 || x >= modules-7) && y < 7 || x < 7 && y >= modules-7
			if finder {
				bit = x%6 == 0 || y%6 == 0 || (x%6 >= 2 && x%6 <= 4 && y%6 >= 2 && y%6 <= 4)
			}
			c := color.Gray{Y: 255}
			if bit {
				c = color.Gray{Y: 0}
			}
			for dy := range scale {
				for dx := range scale {
					img.SetGray(x*scale+dx, y*scale+dy, c)
				}
			}
		}
	}
	var buf bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestSpeed, BufferPool: pngPool{}}
	_ = enc.Encode(&buf, img)
	return buf.Bytes()
}

// pngPool reuses the PNG encoder's compression buffers, which are far
// larger than the images: seeding thousands of qr-code tokens would
// otherwise allocate hundreds of megabytes.
type pngPool struct{}

var pngBuffers sync.Pool

func (pngPool) Get() *png.EncoderBuffer {
	b, _ := pngBuffers.Get().(*png.EncoderBuffer)
	return b
}

func (pngPool) Put(b *png.EncoderBuffer) { pngBuffers.Put(b) }

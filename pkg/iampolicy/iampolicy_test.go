package iampolicy

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDocumentsRoundTripWithListsOnly(t *testing.T) {
	doc := New(Allow("Read", []string{"s3:GetObject"}, "arn:aws:s3:::b/*"))
	assert.Equal(t, `{"Version":"2012-10-17","Statement":[{"Sid":"Read","Effect":"Allow","Action":["s3:GetObject"],"Resource":["arn:aws:s3:::b/*"]}]}`, doc.JSON())
	back, err := Parse(doc.JSON())
	require.NoError(t, err)
	assert.Equal(t, doc, back)
}

func TestDenyInsecureTransport(t *testing.T) {
	s := DenyInsecureTransport("arn:aws:s3:::logs")
	assert.Equal(t, "Deny", s.Effect)
	assert.Equal(t, []string{"s3:*"}, s.Action)
	assert.Equal(t, []string{"arn:aws:s3:::logs", "arn:aws:s3:::logs/*"}, s.Resource)
	assert.Equal(t, []string{"*"}, s.Principal.AWS)
	assert.Equal(t, []string{"false"}, s.Condition["Bool"]["aws:SecureTransport"])
}

func TestParseRejectsWhatIsNotADocument(t *testing.T) {
	_, err := Parse(`{"Statement": "not a list"}`)
	assert.Error(t, err)
}

func TestNotActionAndNotResourceReplaceActionAndResource(t *testing.T) {
	s := Statement{Sid: "DenyOutsideRegions", Effect: "Deny", NotAction: []string{"iam:*"}, NotResource: []string{"arn:aws:s3:::b"}}
	doc := New(s)
	assert.Equal(t, `{"Version":"2012-10-17","Statement":[{"Sid":"DenyOutsideRegions","Effect":"Deny","NotAction":["iam:*"],"NotResource":["arn:aws:s3:::b"]}]}`, doc.JSON())
	back, err := Parse(doc.JSON())
	require.NoError(t, err)
	assert.Equal(t, doc, back)
}

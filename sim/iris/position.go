package irissim

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
)

// errBadPosition is a position token that is malformed or belongs to
// another query.
var errBadPosition = errors.New("invalid position token for this query")

// Position tokens are 32 hex characters: a 4-byte offset masked with the
// query's MAC and a 12-byte MAC of (query, offset). They need no server
// state and only decode for the query that issued them.
func (s *Server) positionToken(queryKey string, offset int) string {
	qm := s.mac([]byte(queryKey))
	var b [16]byte
	binary.BigEndian.PutUint32(b[:4], uint32(offset)^binary.BigEndian.Uint32(qm[:4]))
	m := s.mac(append([]byte(queryKey), b[:4]...))
	copy(b[4:], m[:12])
	return hex.EncodeToString(b[:])
}

func (s *Server) parsePosition(queryKey, tok string) (int, error) {
	b, err := hex.DecodeString(tok)
	if err != nil || len(b) != 16 {
		return 0, errBadPosition
	}
	m := s.mac(append([]byte(queryKey), b[:4]...))
	if !hmac.Equal(m[:12], b[4:]) {
		return 0, errBadPosition
	}
	qm := s.mac([]byte(queryKey))
	return int(binary.BigEndian.Uint32(b[:4]) ^ binary.BigEndian.Uint32(qm[:4])), nil
}

func (s *Server) mac(b []byte) []byte {
	h := hmac.New(sha256.New, s.secret)
	h.Write(b)
	return h.Sum(nil)
}

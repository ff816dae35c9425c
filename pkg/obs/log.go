package obs

import (
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
)

// Log formats of NewLogger (IRISFLOW_LOG_FORMAT, --log-format).
const (
	LogText = "text"
	LogJSON = "json"
	// LogAuto is text on a terminal, JSON otherwise (a service manager,
	// a container, a pipe). The default.
	LogAuto = "auto"
)

// NewLogger is the logger of every irisflow binary — irisflow and the
// standalone service binaries build it the same way: format is text,
// json or auto ("" is auto); level is debug, info (""), warn or error
// (IRISFLOW_LOG_LEVEL). A bad value is an error naming it.
func NewLogger(w io.Writer, format, level string) (*slog.Logger, error) {
	var l slog.Level
	if level != "" {
		if err := l.UnmarshalText([]byte(level)); err != nil {
			return nil, fmt.Errorf("IRISFLOW_LOG_LEVEL=%q: want debug, info, warn or error", level)
		}
	}
	opts := &slog.HandlerOptions{Level: l}
	switch strings.ToLower(format) {
	case LogText:
		return slog.New(slog.NewTextHandler(w, opts)), nil
	case LogJSON:
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	case LogAuto, "":
		if isTerminal(w) {
			return slog.New(slog.NewTextHandler(w, opts)), nil
		}
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	default:
		return nil, fmt.Errorf("log format %q: want text, json or auto", format)
	}
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

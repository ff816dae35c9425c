// Package stomplog routes go-stomp's connection logging into log/slog, so
// that it carries our attributes and levels instead of going to stderr.
package stomplog

import (
	"context"
	"fmt"
	"log/slog"
)

// Logger adapts a *slog.Logger to go-stomp's Logger interface. go-stomp's
// Info lines (subscription closed, connection closed) are routine during
// reconnects and shutdown, so they are logged at Debug.
type Logger struct{ L *slog.Logger }

// New returns a go-stomp logger writing to l (slog.Default() when nil).
func New(l *slog.Logger) Logger {
	if l == nil {
		l = slog.Default()
	}
	return Logger{L: l.With("component", "stomp")}
}

func (l Logger) log(level slog.Level, msg string) { l.L.Log(context.Background(), level, msg) }

// Debugf logs at Debug.
func (l Logger) Debugf(format string, v ...any) { l.log(slog.LevelDebug, fmt.Sprintf(format, v...)) }

// Infof logs at Debug (see Logger).
func (l Logger) Infof(format string, v ...any) { l.log(slog.LevelDebug, fmt.Sprintf(format, v...)) }

// Warningf logs at Warn.
func (l Logger) Warningf(format string, v ...any) { l.log(slog.LevelWarn, fmt.Sprintf(format, v...)) }

// Errorf logs at Error.
func (l Logger) Errorf(format string, v ...any) { l.log(slog.LevelError, fmt.Sprintf(format, v...)) }

// Debug logs at Debug.
func (l Logger) Debug(msg string) { l.log(slog.LevelDebug, msg) }

// Info logs at Debug (see Logger).
func (l Logger) Info(msg string) { l.log(slog.LevelDebug, msg) }

// Warning logs at Warn.
func (l Logger) Warning(msg string) { l.log(slog.LevelWarn, msg) }

// Error logs at Error.
func (l Logger) Error(msg string) { l.log(slog.LevelError, msg) }

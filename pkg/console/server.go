package console

import (
	"context"
	"crypto/subtle"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/irisflow/irisflow/pkg/store"
)

//go:embed static
var staticFS embed.FS

// Config configures a console.
type Config struct {
	// Store is where the console reads; required.
	Store *store.Store
	// Token, when set, is required on every request. Without it the
	// console listens on loopback addresses only.
	Token string
	// Logger defaults to slog.Default().
	Logger *slog.Logger
	// Now is the clock of relative filters (since=168h). Default time.Now.
	Now func() time.Time
}

// cookieName holds the token once given as ?token=.
const cookieName = "irisflow_console"

// Handler is the console: the page, its static files and the API.
func Handler(cfg Config) (http.Handler, error) {
	if cfg.Store == nil {
		return nil, errors.New("console: Store is required")
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	static, err := fs.Sub(staticFS, "static")
	if err != nil {
		return nil, fmt.Errorf("console: %w", err)
	}
	a := &api{cfg: cfg}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/search", a.search)
	mux.HandleFunc("GET /api/domain/{domain}", a.domain)
	mux.HandleFunc("GET /api/graph", a.graph)
	mux.Handle("GET /static/", http.StripPrefix("/static/", http.FileServerFS(static)))
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		http.ServeFileFS(w, r, static, "index.html")
	})
	return secure(cfg.Token, mux), nil
}

// secure adds the token check and the headers every answer carries.
func secure(token string, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Content-Security-Policy", "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:")
		if token == "" {
			next.ServeHTTP(w, r)
			return
		}
		if q := r.URL.Query().Get("token"); q != "" && equal(q, token) {
			// Once from the address bar: keep it in a cookie and drop it
			// from the URL (and so from history and proxies' logs).
			http.SetCookie(w, &http.Cookie{Name: cookieName, Value: token, HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: r.TLS != nil})
			u := *r.URL
			qs := u.Query()
			qs.Del("token")
			u.RawQuery = qs.Encode()
			// A relative Location, resolved by the browser against the URL it
			// asked for: http.Redirect would resolve it against r.URL.Path,
			// which a reverse proxy has stripped of its prefix.
			h.Set("Location", "./"+lastSegment(u.Path)+queryOf(u.RawQuery))
			w.WriteHeader(http.StatusSeeOther)
			return
		}
		got := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
		if c, err := r.Cookie(cookieName); got == "" && err == nil {
			got = c.Value
		}
		if !equal(got, token) {
			writeError(w, http.StatusUnauthorized, "console token required: open the console with ?token=… once, or send Authorization: Bearer …")
			return
		}
		next.ServeHTTP(w, r)
	})
}

func lastSegment(p string) string {
	if i := strings.LastIndex(p, "/"); i >= 0 {
		return p[i+1:]
	}
	return p
}

func queryOf(q string) string {
	if q == "" {
		return ""
	}
	return "?" + q
}

func equal(a, b string) bool { return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1 }

// CheckListen refuses an address beyond loopback without a token.
func CheckListen(addr, token string) error {
	if token != "" {
		return nil
	}
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("console: listen address %q: %w", addr, err)
	}
	if host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return nil
	}
	return fmt.Errorf("console: refusing to listen on %s without a token: set console.token (IRISFLOW_CONSOLE_TOKEN) or listen on 127.0.0.1", addr)
}

// Serve listens on addr (after CheckListen) and serves the console until
// ctx ends; ready, when set, is told the address actually bound (for
// port 0) before the first request.
func Serve(ctx context.Context, addr string, cfg Config, ready func(addr string)) error {
	if err := CheckListen(addr, cfg.Token); err != nil {
		return err
	}
	h, err := Handler(cfg)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("console: %w", err)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	if ready != nil {
		ready(ln.Addr().String())
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("console: %w", err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("console: shutdown: %w", err)
	}
	return nil
}

package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
)

// demoDatabase finds PostgreSQL for the demo: IRISFLOW_DATABASE_URL as is;
// else the local server (127.0.0.1:5432), in a database of the demo's own
// (irisflow_demo, recreated each run so that the demo starts cold); else a
// throwaway cluster from the local PostgreSQL binaries in dir. The returned
// stop function removes what the demo started.
func demoDatabase(ctx context.Context, log *slog.Logger, dir string) (dbURL string, stop func(), err error) {
	if u := os.Getenv("IRISFLOW_DATABASE_URL"); u != "" {
		return u, func() {}, nil
	}
	const local = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"
	if pingDB(ctx, local) == nil {
		u, err := recreateDatabase(ctx, local, "irisflow_demo")
		if err != nil {
			return "", nil, err
		}
		log.Info("demo: using the local PostgreSQL server", "database", "irisflow_demo")
		return u, func() {}, nil
	}
	u, pg, err := throwawayCluster(ctx, dir)
	if err != nil {
		return "", nil, fmt.Errorf("no PostgreSQL for the demo: none at 127.0.0.1:5432 and no local PostgreSQL binaries to start one (%v); "+
			"set IRISFLOW_DATABASE_URL, or install PostgreSQL (apt-get install postgresql)", err)
	}
	log.Info("demo: started a throwaway PostgreSQL cluster", "dir", dir)
	return u, pg.Stop, nil
}

func pingDB(ctx context.Context, u string) error {
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	c, err := pgx.Connect(ctx, u)
	if err != nil {
		return err
	}
	defer c.Close(context.Background())
	return c.Ping(ctx)
}

func recreateDatabase(ctx context.Context, adminURL, name string) (string, error) {
	c, err := pgx.Connect(ctx, adminURL)
	if err != nil {
		return "", fmt.Errorf("demo database: %w", err)
	}
	defer c.Close(context.Background())
	ident := pgx.Identifier{name}.Sanitize()
	if _, err := c.Exec(ctx, "DROP DATABASE IF EXISTS "+ident+" WITH (FORCE)"); err != nil {
		return "", fmt.Errorf("demo database: drop %s: %w", name, err)
	}
	if _, err := c.Exec(ctx, "CREATE DATABASE "+ident); err != nil {
		return "", fmt.Errorf("demo database: create %s: %w", name, err)
	}
	u, _ := url.Parse(adminURL)
	u.Path = "/" + name
	return u.String(), nil
}

// pgCluster is a throwaway PostgreSQL cluster (throwawayCluster): its
// data directory and the pg_ctl that runs it.
type pgCluster struct {
	bin, data, opts, logFile string
}

// pgCmd runs a PostgreSQL binary; PostgreSQL refuses to run as root, so as
// root it runs as the postgres system user.
func (c *pgCluster) pgCmd(ctx context.Context, name string, args ...string) *exec.Cmd {
	path := filepath.Join(c.bin, name)
	if os.Geteuid() == 0 {
		if _, err := user.Lookup("postgres"); err == nil {
			return exec.CommandContext(ctx, "runuser", append([]string{"-u", "postgres", "--", path}, args...)...)
		}
	}
	return exec.CommandContext(ctx, path, args...)
}

// start starts the server and waits until it accepts connections.
func (c *pgCluster) start(ctx context.Context) error {
	if out, err := c.pgCmd(ctx, "pg_ctl", "-D", c.data, "-o", c.opts, "-w", "-l", c.logFile, "start").CombinedOutput(); err != nil {
		return fmt.Errorf("pg_ctl start: %v: %s", err, out)
	}
	return nil
}

// Stop stops the server (fast: open sessions are ended).
func (c *pgCluster) Stop() {
	_ = c.pgCmd(context.Background(), "pg_ctl", "-D", c.data, "-m", "fast", "-w", "stop").Run()
}

// Restart stops the server (fast: every connection is cut) and starts it
// again on the same port and data.
func (c *pgCluster) Restart(ctx context.Context) error {
	if out, err := c.pgCmd(ctx, "pg_ctl", "-D", c.data, "-m", "fast", "-w", "stop").CombinedOutput(); err != nil {
		return fmt.Errorf("pg_ctl stop: %v: %s", err, out)
	}
	return c.start(ctx)
}

// throwawayCluster runs initdb and postgres from the newest local
// /usr/lib/postgresql/*/bin on a free loopback port, and creates the
// demo's database in it.
func throwawayCluster(ctx context.Context, dir string) (string, *pgCluster, error) {
	bins, _ := filepath.Glob("/usr/lib/postgresql/*/bin/initdb")
	if len(bins) == 0 {
		if p, err := exec.LookPath("initdb"); err == nil {
			bins = []string{p}
		} else {
			return "", nil, errors.New("initdb not found")
		}
	}
	sort.Strings(bins)
	c := &pgCluster{bin: filepath.Dir(bins[len(bins)-1]), data: filepath.Join(dir, "pgdata"), logFile: filepath.Join(dir, "postgres.log")}
	if err := os.MkdirAll(c.data, 0o700); err != nil {
		return "", nil, err
	}
	if os.Geteuid() == 0 {
		if u, err := user.Lookup("postgres"); err == nil {
			uid, _ := strconv.Atoi(u.Uid)
			gid, _ := strconv.Atoi(u.Gid)
			_ = os.Chown(dir, uid, gid)
			_ = os.Chown(c.data, uid, gid)
		}
	}
	if out, err := c.pgCmd(ctx, "initdb", "-D", c.data, "-U", "postgres", "--auth=trust", "-E", "UTF8").CombinedOutput(); err != nil {
		return "", nil, fmt.Errorf("initdb: %v: %s", err, out)
	}
	port, err := freePort()
	if err != nil {
		return "", nil, err
	}
	c.opts = fmt.Sprintf("-p %d -k %s -c listen_addresses=127.0.0.1", port, dir)
	if err := c.start(ctx); err != nil {
		return "", nil, err
	}
	admin := fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", port)
	u, err := recreateDatabase(ctx, admin, "irisflow_demo")
	if err != nil {
		c.Stop()
		return "", nil, err
	}
	return u, c, nil
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

package config

import (
	"bufio"
	"fmt"
	"io"
	"strings"
)

// ini is a parsed INI file as Python's configparser reads resilient-circuits'
// app.config: section -> lower-cased key -> value. Keys of [DEFAULT] apply
// to every section that does not set them.
type ini map[string]map[string]iniValue

// iniValue is one value and the line it started on (for error messages).
type iniValue struct {
	text string
	line int
}

// parseINI reads the configparser dialect resilient-circuits writes:
// "[section]" headers, "key = value" or "key: value" (keys are
// case-insensitive), whole-line comments starting with # or ;, blank lines,
// and continuation lines (indented) that extend the previous value.
// Inline comments are part of the value, as configparser keeps them by default.
func parseINI(r io.Reader) (ini, error) {
	out := ini{}
	var section map[string]iniValue
	var lastKey string
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for n := 1; sc.Scan(); n++ {
		raw := strings.TrimSuffix(sc.Text(), "\r")
		if n == 1 {
			raw = strings.TrimPrefix(raw, "\ufeff") // a BOM written by Windows editors
		}
		line := strings.TrimSpace(raw)
		switch {
		case line == "" || line[0] == '#' || line[0] == ';':
			lastKey = ""
			continue
		case raw[0] == ' ' || raw[0] == '\t':
			if section == nil || lastKey == "" {
				return nil, fmt.Errorf("line %d: indented line continues no key", n)
			}
			v := section[lastKey]
			v.text += "\n" + line
			section[lastKey] = v
			continue
		case line[0] == '[':
			name, ok := strings.CutSuffix(line, "]")
			if !ok || len(name) < 2 {
				return nil, fmt.Errorf("line %d: %q is not a [section] header", n, line)
			}
			name = strings.TrimSpace(name[1:])
			if out[name] == nil {
				out[name] = map[string]iniValue{}
			}
			section, lastKey = out[name], ""
			continue
		}
		i := strings.IndexAny(line, "=:")
		if i <= 0 {
			return nil, fmt.Errorf("line %d: %q is not key=value", n, line)
		}
		if section == nil {
			return nil, fmt.Errorf("line %d: key %q before any [section]", n, strings.TrimSpace(line[:i]))
		}
		lastKey = strings.ToLower(strings.TrimSpace(line[:i]))
		section[lastKey] = iniValue{text: strings.TrimSpace(line[i+1:]), line: n}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if def, ok := out["DEFAULT"]; ok {
		for name, sec := range out {
			if name == "DEFAULT" {
				continue
			}
			for k, v := range def {
				if _, set := sec[k]; !set {
					sec[k] = v
				}
			}
		}
	}
	return out, nil
}

// get returns the value of key in section and whether it is set (to
// anything but an empty string).
func (f ini) get(section, key string) (iniValue, bool) {
	v, ok := f[section][key]
	return v, ok && v.text != ""
}

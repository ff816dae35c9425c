package main

import (
	"github.com/spf13/cobra"
)

// Each command file registers its constructor in init() with addCommand (top
// level) or addSimCommand (under "irisflow sim"), so that files can be added
// without touching this one.
var (
	commands    []func() *cobra.Command
	simCommands []func() *cobra.Command
)

func addCommand(f func() *cobra.Command)    { commands = append(commands, f) }
func addSimCommand(f func() *cobra.Command) { simCommands = append(simCommands, f) }

func newRootCmd() *cobra.Command {
	root := &cobra.Command{
		Use:           "irisflow",
		Short:         "DomainTools Iris intelligence for IBM SOAR (Resilient), as a durable pipeline",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return &exitError{code: exitUsage, err: err} })
	for _, f := range commands {
		root.AddCommand(f())
	}
	sim := &cobra.Command{
		Use:   "sim",
		Short: "Run the DomainTools Iris or IBM SOAR simulator",
	}
	for _, f := range simCommands {
		sim.AddCommand(f())
	}
	root.AddCommand(sim)
	return root
}

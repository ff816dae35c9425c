// Package pivot holds irisflow's pivot logic, free of I/O: which values of an
// Iris profile are worth pivoting on (Discover, with the guided-pivot count
// bounds), the pivot types analysts and the seed app's workflows name and the
// Iris search parameter each maps to (Param), the Iris filters of an Execute
// Pivots call (Filters), the seed-compatible Discover output
// (DiscoverOutput), and the text of the per-pivot summary note (Summary).
//
// The pivoter service (services/pivoter) does the I/O around it.
package pivot

// Package seed produces the outputs of the DomainTools Resilient app
// (fn_domaintools v1.x, "the seed app") from Iris results, so that existing
// SOAR workflows keep working when irisflow answers their functions:
//
//   - ProfileContent: the content of "Profile Domain with Iris"
//     (dt_iris_data, domain), plus irisflow's cache fields;
//   - ParseIrisData: reads back what workflows pass in dt_iris_data_in;
//   - Format and Row: the flat label map of "Format Iris Investigate Data"
//     and the 32 columns of the domaintools_results data table;
//   - Risk and Tags: risk score and tag checks;
//   - the note texts the seed app's post-process scripts write.
//
// Everything here is a pure function of its arguments.
package seed

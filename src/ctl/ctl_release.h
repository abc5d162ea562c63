/* ctl_release — `infosysctl release keygen | sign | publish` (see
 * ctl_release.c and src/domain/release.h). */
#ifndef INFOSYS_CTL_RELEASE_H
#define INFOSYS_CTL_RELEASE_H

int ctl_release(int argc, char **argv);

#endif

// `posbridge doctor`: options and help. The checks (../doctor.ts → agent/admin) load when the command runs.
import type { Command } from 'commander';
import type { DoctorOptions } from '../doctor.js';

export function register(program: Command): void {
  program
    .command('doctor')
    .description('check the config, ports, devices, printers, backend, clock, disk, database and service, and say how to fix what is wrong')
    .option('-c, --config <file>', 'agent configuration (default: the embedded default); run as the service user: sudo -u posbridge posbridge doctor --config /etc/posbridge/posbridge.yaml')
    .option('--json', 'findings as JSON, for fleet tooling')
    .action(async (options: DoctorOptions) => (await import('../doctor.js')).doctor(options));
}

/** The agent's name and version. */
import { PROJECT_VERSION } from '../common/package-info.js';

export const AGENT_NAME = 'posture-agent';
export const AGENT_VERSION = PROJECT_VERSION;

import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength, MinLength } from 'class-validator';

export class SignInDto {
  @ApiProperty({ description: 'An API key (rrk_…): exchanged for a session cookie, never stored', example: 'rrk_…' })
  @IsString()
  @MinLength(1)
  @MaxLength(512)
  apiKey!: string;
}
